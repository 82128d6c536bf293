from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "families"
urlpatterns = [
    path("", login_required(views.family_list), name="list"),
    path("<int:family_id>/", login_required(views.family_detail), name="detail"),
]
