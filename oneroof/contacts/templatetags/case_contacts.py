"""``{% case_contacts case %}``: the case page's panel of the latest contacts the reader may
see, with a link to the log. A fixed number of queries; the read is audited when any contact
is shown, as the case page audits its notes."""

from __future__ import annotations

from typing import Any

from django import template

from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.families.access import FamilyAccess

from ..permissions import can_record_contacts
from ..queries import contact_scope, visible_contacts

register = template.Library()
PANEL_SIZE = 5


@register.inclusion_tag("contacts/_case_contacts.html", takes_context=True)
def case_contacts(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"shown": False}
    # The case page has already computed the reader's access to the family; reuse it.
    access = context.get("access")
    if not isinstance(access, FamilyAccess) or access.family_id != case.family_id:
        access = None
    scope = contact_scope(user, case, access)
    if not scope.readable:
        return {"shown": False}
    contacts = list(visible_contacts(case, scope)[:PANEL_SIZE])
    if contacts:
        audit.record_view(
            actor=user, action="contacts.contacts_viewed", target=case, target_label=case.number
        )
    return {
        "shown": True,
        "case": case,
        "contacts": contacts,
        "can_record": case.status != Case.Status.CLOSED and can_record_contacts(user, case),
    }
