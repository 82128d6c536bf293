from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("nowe/", login_required(views.IntakeWizard.as_view()), name="new"),
    path("przekazania/", login_required(views.handover_list), name="handover-list"),
    path(
        "przekazania/sprawa/<int:case_id>/nowe/",
        login_required(views.handover_request),
        name="handover-request",
    ),
    path(
        "przekazania/<int:handover_id>/decyzja/",
        login_required(views.handover_decide),
        name="handover-decide",
    ),
]
