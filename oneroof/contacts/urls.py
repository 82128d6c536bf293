from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("sprawa/<int:case_id>/", login_required(views.case_log), name="case-log"),
    path(
        "<int:contact_id>/blad/",
        login_required(views.mark_entered_in_error),
        name="mark-error",
    ),
]
