from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", login_required(views.event_list), name="event-list"),
    path("<int:event_id>/", login_required(views.event_detail), name="event-detail"),
    path("eksport.csv", login_required(views.event_export), name="event-export"),
]
