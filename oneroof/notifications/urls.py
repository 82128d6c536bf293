from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", login_required(views.notification_list), name="list"),
    path(
        "<int:notification_id>/przeczytane/", login_required(views.notification_read), name="read"
    ),
]
