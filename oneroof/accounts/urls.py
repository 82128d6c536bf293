from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("wyloguj/", auth_views.LogoutView.as_view(), name="logout"),
    path("wyloguj-wszedzie/", login_required(views.logout_everywhere), name="logout-everywhere"),
]
