from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("centra/<int:centre_id>/", login_required(views.centre_detail), name="centre-detail"),
    path("rola/", login_required(views.role_switch), name="role-switch"),
]
