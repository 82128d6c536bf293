from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from oneroof.core.types import AuditContext

if TYPE_CHECKING:
    from oneroof.organisation.models import Membership


class User(AbstractUser):
    """A member of staff (or an external partner's officer). Never a client of the centres.

    Users are deactivated, never deleted: the audit trail points at them. The role a user
    acts in is a ``organisation.Membership``; ``active_membership`` is set per request by
    ``ActiveMembershipMiddleware`` and is what every permission check looks at.
    """

    institution = models.ForeignKey(
        "organisation.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    is_demo = models.BooleanField(
        _("fictional demo account"),
        default=False,
        help_text=_("May sign in without two-factor authentication, only when demo mode is on."),
    )
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    active_membership: Membership | None = None

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def audit_context(self) -> AuditContext:
        membership = self.active_membership
        if membership is None:
            return AuditContext()
        centre = membership.centre
        return AuditContext(
            role=membership.role,
            centre_id=centre.pk if centre is not None else None,
            centre_label=str(centre) if centre is not None else "",
        )

    def _get_session_auth_hash(self, secret: Any = None) -> str:
        # Django ties sessions to an HMAC of the password hash; mixing in the generation
        # counter lets "log out everywhere" end every other session without touching them.
        return salted_hmac(
            "oneroof.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
