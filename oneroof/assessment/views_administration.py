"""Administering NORR: a case's diagnosis page, starting an administration, one domain per
screen, finishing, and the respondent mode (the device handed to the person answering).

Access: roles outside case work get 403; case roles get 404 for what they may not see
(``queries.get_case_for`` / ``get_administration_for``, which ask ``families.access``).
Each adult answers in private: only the staff who may see a person's answers reach their
questionnaire, and in respondent mode the session reaches nothing but that questionnaire
(``middleware.RespondentLockMiddleware``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, FamilyAccess, SafetyAccess, access_for_family
from oneroof.families.models import Person
from oneroof.organisation.permissions import active_role, require_role

from . import middleware as respondent_mode
from . import queries, services
from .forms import HandbackForm, StartForm, Step, StepForm, steps_of
from .models import Administration, Answer, InstrumentVersion, SafetyAlert

# Wrong staff passwords tolerated on the hand-back page before the session is signed out: the
# respondent holds the device, so the page must not become a way to guess the password.
MAX_HANDBACK_FAILURES = 5
HANDBACK_FAILURES_KEY = "respondent_handback_failures"

NEXT, BACK, LATER, HAND_OVER = "next", "back", "later", "hand_over"


def _add_errors(form: Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, field_messages in error.message_dict.items():
        name = aliases.get(key, key)
        field = name if name in form.fields else None
        for message in field_messages:
            form.add_error(field, message)


def _administer_url(administration_id: int, step: int | None = None) -> str:
    url = reverse("assessment:administer", args=[administration_id])
    return f"{url}?krok={step}" if step is not None else url


# --- the case's diagnosis page ----------------------------------------------------------------


@dataclass(frozen=True)
class AdministrationRow:
    administration: Administration
    can_resume: bool  # in progress, and the user may see (and so continue) the answers


@dataclass(frozen=True)
class AlertRow:
    alert: SafetyAlert
    linked: bool  # the user decides alerts of this case and may open it
    person: Person | None  # only when the user may see that person's results


def _case_for(request: AuthenticatedRequest, case_id: int) -> tuple[Case, FamilyAccess]:
    case = queries.get_case_for(request.user, case_id)
    access = access_for_family(request.user, case.family)
    if not access.identity:
        # The case index is centre-wide, the diagnosis is not: only those who may see the
        # family (its case team, the centre-wide roles) learn anything about it here.
        raise Http404
    return case, access


def _start_form(
    request: AuthenticatedRequest,
    case: Case,
    access: FamilyAccess,
    data: QueryDict | None = None,
) -> StartForm | None:
    """The start form over the persons the user may administer, or None if there are none."""
    if active_role(request.user) not in services.ADMINISTERING_ROLES:
        return None
    persons = [
        member.person
        for member in case.family.members.select_related("person")
        if access.sees_answers_of(member.person_id)
    ]
    if not persons:
        return None
    today = timezone.localdate()
    return StartForm(
        data,
        persons=persons,
        forms_of={person.pk: services.forms_for_age(person.age(today)) for person in persons},
        today=today,
    )


def _current_version() -> InstrumentVersion | None:
    try:
        return services.current_version()
    except InstrumentVersion.DoesNotExist:
        return None


def _render_case(
    request: AuthenticatedRequest, case: Case, access: FamilyAccess, form: StartForm | None
) -> HttpResponse:
    today = timezone.localdate()
    diagnosed = case.assessments.filter(status=Administration.Status.COMPLETED).exists()
    rows = [
        AdministrationRow(
            administration,
            can_resume=not administration.is_completed
            and access.sees_answers_of(administration.person_id),
        )
        for administration in queries.administrations_of_case(case, access)
    ]
    # Safety facts are for those who work with the family (not intake); who raised a flag
    # and why stays with those who may see that person's results.
    alerts: list[AlertRow] = []
    shows_safety = access.safety >= SafetyAccess.RESTRICTIONS
    if shows_safety:
        decidable = set(
            queries.open_alerts_for(request.user).filter(case=case).values_list("pk", flat=True)
        )
        for alert in case.safety_alerts.filter(decided_at__isnull=True).select_related(
            "administration__person"
        ):
            person = alert.administration.person
            alerts.append(
                AlertRow(
                    alert,
                    linked=alert.pk in decidable,
                    person=person if access.sees_results_of(person.pk) else None,
                )
            )
    audit.record_view(
        actor=request.user,
        action="assessment.case_diagnosis_viewed",
        target=case,
        target_label=case.number,
    )
    return render(
        request,
        "assessment/case_diagnosis.html",
        {
            "case": case,
            "today": today,
            "days_since_first_contact": (today - case.first_contact_on).days,
            "due_on": case.diagnosis_due_on,
            "diagnosed": diagnosed,
            "overdue": not diagnosed and case.diagnosis_due_on < today,
            "rows": rows,
            "shows_safety": shows_safety,
            "joint_sessions_blocked": shows_safety and case.joint_sessions_blocked,
            "can_clear_block": case.joint_sessions_blocked
            and services.can_clear_joint_sessions_block(request.user, case),
            "alerts": alerts,
            "form": form,
            "version": _current_version(),
        },
    )


@require_GET
def case_diagnosis(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case, access = _case_for(request, case_id)
    return _render_case(request, case, access, _start_form(request, case, access))


@require_POST
def administration_start(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case, access = _case_for(request, case_id)
    form = _start_form(request, case, access, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            administration = services.start_administration(
                actor=request.user,
                case=case,
                person=form.person,
                form=form.form,
                occasion=form.cleaned_data["occasion"],
            )
        except ValidationError as error:
            _add_errors(form, error, {"person": "respondent", "form": "respondent"})
        else:
            messages.success(request, _("The questionnaire is started."))
            return redirect("assessment:administer", administration_id=administration.pk)
    return _render_case(request, case, access, form)


# --- one domain per screen --------------------------------------------------------------------


def _step_index(raw: str | None, administration: Administration, steps: list[Step]) -> int:
    """The screen asked for (``?krok=N``, 0-based), else where the respondent left off."""
    try:
        index = int(raw) if raw is not None else administration.current_step
    except ValueError:
        index = administration.current_step
    return max(0, min(index, len(steps) - 1))


def _step_form(administration: Administration, step: Step, data: QueryDict | None) -> StepForm:
    initial = None
    if data is None:
        initial = dict(
            administration.answers.filter(item__in=[item["id"] for item in step.items]).values_list(
                "item", "value"
            )
        )
    return StepForm(
        data,
        step=step,
        form=administration.form,
        scales=administration.version.definition["scales"],
        initial=initial,
    )


def _source(administration: Administration) -> str:
    # The child module is completed by the clinician from the interview and observation.
    if administration.form == Administration.Form.CHILD:
        return Answer.Source.PROFESSIONAL
    return Answer.Source.SELF


def _save_step(
    request: AuthenticatedRequest, administration: Administration, form: StepForm, resume_at: int
) -> bool:
    """Save one screen's answers and where to resume; False (errors on the form) if refused."""
    if not form.is_valid():
        return False
    try:
        services.save_answers(
            actor=request.user,
            administration=administration,
            answers=form.answers(),
            source=_source(administration),
            step=resume_at,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _is_locked(request: AuthenticatedRequest, administration: Administration) -> bool:
    return respondent_mode.locked_administration_id(request) == administration.pk


def _render_step(
    request: AuthenticatedRequest,
    administration: Administration,
    steps: list[Step],
    form: StepForm,
) -> HttpResponse:
    locked = _is_locked(request, administration)
    step = form.step
    return render(
        request,
        "assessment/administration_step.html",
        {
            "base_template": "assessment/respondent_base.html" if locked else "base.html",
            "locked": locked,
            "administration": administration,
            "version": administration.version,
            "is_child_form": administration.form == Administration.Form.CHILD,
            "can_hand_over": not locked and administration.form != Administration.Form.CHILD,
            "step": step,
            "number": step.index + 1,
            "total": len(steps),
            "is_first": step.index == 0,
            "is_last": step.index == len(steps) - 1,
            "form": form,
        },
    )


def _hand_over(request: AuthenticatedRequest, administration: Administration) -> HttpResponse:
    """Lock the session to this questionnaire: the device goes to the respondent."""
    if administration.form == Administration.Form.CHILD:
        raise PermissionDenied  # completed by the clinician, never handed to a child
    if not _is_locked(request, administration):
        # Messages queued for the staff member (they may name other cases) are dropped here,
        # so that the respondent never reads them.
        list(messages.get_messages(request))
        respondent_mode.lock(request, administration.pk)
        request.session.pop(HANDBACK_FAILURES_KEY, None)
        audit.record(
            actor=request.user,
            action="assessment.respondent_mode_started",
            target=administration,
            target_label=administration.case.number,
        )
    return redirect(_administer_url(administration.pk, administration.current_step))


def _after_completion(request: AuthenticatedRequest, administration: Administration) -> str:
    if _is_locked(request, administration):
        return reverse("assessment:handback", args=[administration.pk])
    return reverse("assessment:result", args=[administration.pk])


@require_http_methods(["GET", "POST"])
def administer(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    administration, _access = queries.get_administration_for(
        request.user, administration_id, need=queries.ANSWERS
    )
    if administration.is_completed:
        return redirect(_after_completion(request, administration))
    if request.method == "POST" and request.POST.get("action") == HAND_OVER:
        return _hand_over(request, administration)
    steps = steps_of(administration.version, administration.form)
    if request.method == "GET":
        form = _step_form(
            administration, steps[_step_index(request.GET.get("krok"), administration, steps)], None
        )
        audit.record_view(
            actor=request.user,
            action="assessment.answers_viewed",
            target=administration,
            target_label=administration.case.number,
        )
        return _render_step(request, administration, steps, form)

    index = _step_index(request.POST.get("krok"), administration, steps)
    action = request.POST.get("action", NEXT)
    resume_at = {NEXT: index + 1, BACK: index - 1}.get(action, index)
    resume_at = max(0, min(resume_at, len(steps) - 1))
    form = _step_form(administration, steps[index], request.POST)
    if not _save_step(request, administration, form, resume_at):
        return _render_step(request, administration, steps, form)
    if action == LATER:
        if _is_locked(request, administration):
            return redirect("assessment:handback", administration_id=administration.pk)
        messages.success(request, _("The answers are saved; the questionnaire can be resumed."))
        return redirect("assessment:case", case_id=administration.case_id)
    return redirect(_administer_url(administration.pk, resume_at))


@require_POST
def administration_complete(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    administration, _access = queries.get_administration_for(
        request.user, administration_id, need=queries.ANSWERS
    )
    if administration.is_completed:
        return redirect(_after_completion(request, administration))
    if "krok" in request.POST:
        # "Finish" sits on the last screen: its answers are saved first.
        steps = steps_of(administration.version, administration.form)
        index = _step_index(request.POST["krok"], administration, steps)
        form = _step_form(administration, steps[index], request.POST)
        if not _save_step(request, administration, form, index):
            return _render_step(request, administration, steps, form)
    try:
        services.complete_administration(actor=request.user, administration=administration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_administer_url(administration.pk))
    if not _is_locked(request, administration):
        messages.success(request, _("The questionnaire is completed and scored."))
    return redirect(_after_completion(request, administration))


# --- giving the device back -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def handback(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    """The respondent hands the device back; the staff member's password ends the lock."""
    require_role(request.user, CASE_ROLES)
    administration, _access = queries.get_administration_for(
        request.user, administration_id, need=queries.ANSWERS
    )
    if not _is_locked(request, administration):
        return redirect("assessment:administer", administration_id=administration.pk)
    form = HandbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            respondent_mode.unlock(request)
            request.session.pop(HANDBACK_FAILURES_KEY, None)
            audit.record(
                actor=request.user,
                action="assessment.respondent_mode_ended",
                target=administration,
                target_label=administration.case.number,
            )
            if administration.is_completed:
                return redirect("assessment:result", administration_id=administration.pk)
            return redirect(_administer_url(administration.pk))
        failures = request.session.get(HANDBACK_FAILURES_KEY, 0) + 1
        if failures >= MAX_HANDBACK_FAILURES:
            audit.record(
                actor=request.user,
                action="assessment.respondent_mode_signed_out",
                target=administration,
                target_label=administration.case.number,
                reason="too many wrong passwords on the hand-back page",
            )
            logout(request)  # ends the lock with the session; the device shows the login page
            return redirect("two_factor:login")
        request.session[HANDBACK_FAILURES_KEY] = failures
        form.add_error("password", _("This is not the password of the signed-in staff member."))
    return render(
        request,
        "assessment/respondent_handback.html",
        {
            "base_template": "assessment/respondent_base.html",
            "administration": administration,
            "form": form,
        },
    )
