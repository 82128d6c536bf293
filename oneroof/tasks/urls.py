from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", login_required(views.task_list), name="list"),
    path("zalegle/", login_required(views.overdue_list), name="overdue"),
    path("sprawa/<int:case_id>/dodaj/", login_required(views.task_add), name="add"),
    path("<int:task_id>/wykonane/", login_required(views.task_complete), name="complete"),
    path("<int:task_id>/edycja/", login_required(views.task_edit), name="edit"),
]
