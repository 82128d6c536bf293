"""The contact log of a case: read it, record a contact, mark one entered in error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.core.pages import submit
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, FamilyAccess, SafetyAccess, access_for_family
from oneroof.families.models import Person, SafeContactRule
from oneroof.organisation.permissions import require_role

from . import permissions, safety, services
from .forms import ContactForm, MarkEnteredInErrorForm, restriction_labels
from .models import ContactRecord
from .queries import (
    contact_scope,
    get_case_for_contacts,
    get_contact_for,
    reachable_persons,
    rules_for,
    visible_contacts,
)
from .safety import Finding, SafeChannel


@dataclass(frozen=True)
class RulesRow:
    """One person's safe-contact rules as the page shows them (D4)."""

    person: Person
    rule: SafeContactRule
    restrictions: list[str]
    show_code_word: bool


@dataclass(frozen=True)
class ContactRow:
    contact: ContactRecord
    can_mark: bool


def _rules_rows(
    persons: list[Person], rules: dict[int, SafeContactRule], access: FamilyAccess
) -> list[RulesRow]:
    # The code word is a safety fact in full (D4): coordinator, clinical lead, case manager.
    full = access.safety == SafetyAccess.FULL
    return [
        RulesRow(person, rules[person.pk], restriction_labels(rules[person.pk]), full)
        for person in persons
        if person.pk in rules
    ]


def _names(persons: list[Person], keep: Any) -> str:
    return ", ".join(f"{p.first_name} {p.last_name}" for p in persons if keep(p))


def _hints(persons: list[Person], rules: dict[int, SafeContactRule]) -> dict[str, str]:
    """Warnings shown beside the channel and number before anything is submitted."""

    def rule_of(person: Person) -> SafeContactRule | None:
        return rules.get(person.pk)

    no_home = _names(persons, lambda p: (r := rule_of(p)) is not None and r.no_calls_at_home)
    no_letters = _names(persons, lambda p: (r := rule_of(p)) is not None and r.no_letters)
    centre_only = _names(
        persons, lambda p: (r := rule_of(p)) is not None and r.channel == SafeChannel.IN_PERSON
    )
    channel_hints = []
    if no_letters:
        channel_hints.append(_("No letters to: %(names)s.") % {"names": no_letters})
    if no_home or centre_only:
        names = ", ".join(n for n in (no_home, centre_only) if n)
        channel_hints.append(_("No home visits to: %(names)s.") % {"names": names})
    number_hint = (
        _("Never call at home or on a landline: %(names)s.") % {"names": no_home} if no_home else ""
    )
    return {"channel_hint": " ".join(channel_hints), "number_hint": number_hint}


def _render_log(
    request: AuthenticatedRequest,
    case: Case,
    access: FamilyAccess,
    *,
    form: ContactForm | None = None,
    blocked: list[Finding] | None = None,
    warnings: list[Finding] | None = None,
) -> HttpResponse:
    """The log page; audits the read of the contacts when any are shown."""
    contacts = list(visible_contacts(case, contact_scope(request.user, case, access)))
    if contacts:
        audit.record_view(
            actor=request.user,
            action="contacts.contacts_viewed",
            target=case,
            target_label=case.number,
        )
    can_record = case.status != Case.Status.CLOSED and permissions.can_record_contacts(
        request.user, case
    )
    context: dict[str, Any] = {
        "case": case,
        "rows": [
            ContactRow(c, permissions.can_mark_entered_in_error(request.user, _with_case(c, case)))
            for c in contacts
        ],
        "can_record": can_record,
        "blocked": blocked or [],
        "warnings": warnings or [],
    }
    if can_record:
        persons = list(reachable_persons(access))
        rules = rules_for({person.pk for person in persons})
        context["form"] = form or ContactForm(persons=reachable_persons(access), rules=rules)
        context["rules_rows"] = _rules_rows(persons, rules, access)
        context.update(_hints(persons, rules))
        context["block_messages"] = safety.block_messages()
        context["rules_data"] = {
            str(pk): {
                "no_calls_at_home": rule.no_calls_at_home,
                "no_letters": rule.no_letters,
                "channel": rule.channel,
            }
            for pk, rule in rules.items()
        }
    return render(request, "contacts/case_log.html", context)


def _with_case(contact: ContactRecord, case: Case) -> ContactRecord:
    contact.case = case  # the case with its team: no query per row
    return contact


@require_http_methods(["GET", "POST"])
def case_log(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """GET: the log and the form. POST: record a contact; warnings come back with the typed
    data and a confirmation box, a blocked contact with a clear error; nothing is saved."""
    require_role(request.user, CASE_ROLES)
    case = get_case_for_contacts(request.user, case_id)
    if not permissions.can_read_contacts(request.user, case):
        raise PermissionDenied
    access = access_for_family(request.user, case.family)
    if request.method != "POST":
        return _render_log(request, case, access)
    if case.status == Case.Status.CLOSED or not permissions.can_record_contacts(request.user, case):
        raise PermissionDenied
    persons = reachable_persons(access)
    rules = rules_for(set(persons.values_list("pk", flat=True)))
    form = ContactForm(request.POST, persons=persons, rules=rules)
    if not form.is_valid():
        return _render_log(request, case, access, form=form)
    try:
        services.record_contact(
            actor=request.user,
            case=case,
            occurred_at=form.cleaned_data["occurred_at"],
            channel=form.cleaned_data["channel"],
            direction=form.cleaned_data["direction"],
            number=form.cleaned_data["number"],
            summary=form.cleaned_data["summary"],
            confirmed_warnings=form.confirmed_warnings(),
            **form.counterpart_data(),
        )
    except services.ContactBlockedError as blocked:
        return _render_log(request, case, access, form=form, blocked=blocked.findings)
    except services.ConfirmationRequiredError as pending:
        data = request.POST.copy()
        data["warning_codes"] = ",".join(sorted(f.code for f in pending.findings))
        data.pop("confirm", None)
        form = ContactForm(data, persons=persons, rules=rules)
        form.is_valid()
        return _render_log(request, case, access, form=form, warnings=pending.findings)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_log(request, case, access, form=form)
    messages.success(request, _("The contact is recorded."))
    return redirect("contacts:case-log", case_id=case.pk)


@require_POST
def mark_entered_in_error(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    contact = get_contact_for(request.user, contact_id)
    if not permissions.can_mark_entered_in_error(request.user, contact):
        raise PermissionDenied
    return submit(
        request,
        MarkEnteredInErrorForm(request.POST),
        lambda data: services.mark_entered_in_error(
            actor=request.user, contact=contact, reason=data["reason"]
        ),
        done=_("The contact is marked entered in error; it stays in the log."),
        back=redirect("contacts:case-log", case_id=contact.case_id),
    )
