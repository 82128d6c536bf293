from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views_administration as administration
from . import views_alerts as alerts
from . import views_results as results

app_name = "assessment"
urlpatterns = [
    # administering (views_administration)
    path("sprawy/<int:case_id>/", login_required(administration.case_diagnosis), name="case"),
    path(
        "sprawy/<int:case_id>/nowa/",
        login_required(administration.administration_start),
        name="start",
    ),
    path(
        "<int:administration_id>/ankieta/",
        login_required(administration.administer),
        name="administer",
    ),
    path(
        "<int:administration_id>/zakoncz/",
        login_required(administration.administration_complete),
        name="complete",
    ),
    path(
        "<int:administration_id>/oddaj/", login_required(administration.handback), name="handback"
    ),
    # results (views_results)
    path("<int:administration_id>/wynik/", login_required(results.result_detail), name="result"),
    path(
        "<int:administration_id>/ocena-kliniczna/",
        login_required(results.clinician_rate),
        name="rate",
    ),
    path(
        "<int:administration_id>/podsumowanie.pdf",
        login_required(results.summary_pdf),
        name="summary-pdf",
    ),
    path(
        "rekomendacje/<int:recommendation_id>/",
        login_required(results.recommendation_decide),
        name="recommendation-decide",
    ),
    # alerts and deadlines (views_alerts)
    path("alerty/", login_required(alerts.alert_list), name="alert-list"),
    path("alerty/<int:alert_id>/", login_required(alerts.alert_detail), name="alert"),
    path(
        "sprawy/<int:case_id>/sesje-wspolne/",
        login_required(alerts.joint_sessions_clear),
        name="joint-sessions-clear",
    ),
    path("zalegle/", login_required(alerts.overdue_list), name="overdue"),
]
