from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views, views_plan

app_name = "cases"
urlpatterns = [
    path("", login_required(views.case_list), name="list"),
    path("<int:case_id>/", login_required(views.case_detail), name="detail"),
    path("<int:case_id>/status/", login_required(views.case_status), name="status"),
    path("<int:case_id>/zamkniecie/", login_required(views.case_close), name="close"),
    path("<int:case_id>/wznowienie/", login_required(views.case_reopen), name="reopen"),
    path("<int:case_id>/prowadzacy/", login_required(views.case_assign), name="assign"),
    path("<int:case_id>/zespol/dodaj/", login_required(views.team_add), name="team-add"),
    path("<int:case_id>/zespol/usun/", login_required(views.team_remove), name="team-remove"),
    path("<int:case_id>/notatki/", login_required(views.note_write), name="note-write"),
    path(
        "<int:case_id>/notatki/<int:note_id>/korekta/",
        login_required(views.note_correct),
        name="note-correct",
    ),
    path(
        "<int:case_id>/notatki/<int:note_id>/edycja/",
        login_required(views.note_edit),
        name="note-edit",
    ),
    path("<int:case_id>/plan/", login_required(views_plan.plan), name="plan"),
    path("<int:case_id>/plan/utworz/", login_required(views_plan.plan_create), name="plan-create"),
    path(
        "<int:case_id>/plan/etapy/dodaj/",
        login_required(views_plan.plan_stage_add),
        name="plan-stage-add",
    ),
    path(
        "<int:case_id>/plan/etapy/<int:stage_id>/edycja/",
        login_required(views_plan.plan_stage_edit),
        name="plan-stage-edit",
    ),
    path(
        "<int:case_id>/plan/etapy/<int:stage_id>/usuniecie/",
        login_required(views_plan.plan_stage_remove),
        name="plan-stage-remove",
    ),
    path(
        "<int:case_id>/plan/cele/dodaj/",
        login_required(views_plan.plan_goal_add),
        name="plan-goal-add",
    ),
    path(
        "<int:case_id>/plan/cele/<int:goal_id>/edycja/",
        login_required(views_plan.plan_goal_edit),
        name="plan-goal-edit",
    ),
    path(
        "<int:case_id>/plan/cele/<int:goal_id>/usuniecie/",
        login_required(views_plan.plan_goal_remove),
        name="plan-goal-remove",
    ),
    path(
        "<int:case_id>/plan/pomoc/dodaj/",
        login_required(views_plan.plan_help_add),
        name="plan-help-add",
    ),
    path(
        "<int:case_id>/plan/pomoc/<int:help_id>/usuniecie/",
        login_required(views_plan.plan_help_remove),
        name="plan-help-remove",
    ),
    path("<int:case_id>/plan/zloz/", login_required(views_plan.plan_submit), name="plan-submit"),
    path(
        "<int:case_id>/plan/zatwierdz/",
        login_required(views_plan.plan_approve),
        name="plan-approve",
    ),
    path("<int:case_id>/plan/pdf/", login_required(views_plan.plan_pdf), name="plan-pdf"),
]
