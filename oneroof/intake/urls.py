from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("nowe/", login_required(views.IntakeWizard.as_view()), name="new"),
]
