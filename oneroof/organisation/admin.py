"""Configuration of institutions, centres, rooms and staff; every save is audited."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from oneroof.accounts import services as accounts_services
from oneroof.accounts.models import User
from oneroof.audit import services as audit

from .models import Centre, Institution, Membership, Room
from .permissions import can_use_admin

# Admins of third-party apps we do not offer: Groups (roles are Memberships), the detailed
# axes logs and the static/TOTP device tables (devices are reset through the staff page).
for model in (Group, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)

MASKED_FIELDS = frozenset({"password"})


class SysadminOnly:
    """Model permissions come from the active role, not from Django's permission tables."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(can_use_admin(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(can_use_admin(request.user))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(can_use_admin(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(can_use_admin(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records are deactivated, never deleted: audit events and history point at them.
        return False


class AuditedChanges:
    """Writes one audit event per saved form or inline row, with the changed fields, inside the
    admin's own transaction."""

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        before = _form_before(form, change)
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        _record_form_save(request, obj, before, change)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: Any,
        change: bool,
    ) -> None:
        befores = [
            (row, _form_before(row, bool(row.instance.pk)), bool(row.instance.pk))
            for row in formset.forms
            if row.has_changed() and not formset._should_delete_form(row)
        ]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for row, before, existed in befores:
            _record_form_save(request, row.instance, before, existed)


def _form_before(form: ModelForm[Any], change: bool) -> dict[str, Any]:
    fields = [name for name in form.changed_data if _is_concrete(form.instance, name)]
    return {name: _as_ids(form.initial.get(name)) if change else None for name in fields}


def _record_form_save(
    request: HttpRequest, obj: Model, before: dict[str, Any], change: bool
) -> None:
    after = audit.snapshot(obj, before)
    audit.record(
        actor=request.user,  # type: ignore[arg-type]
        action=f"{obj._meta.app_label}.{obj._meta.model_name}_{'updated' if change else 'created'}",
        target=obj,
        changes=audit.masked_changes(before, after, masked=MASKED_FIELDS),
    )


class AuditedAdmin(AuditedChanges, SysadminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


def _is_concrete(obj: Model, name: str) -> bool:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field has no model field
        return False
    return bool(field.concrete and not field.many_to_many)


def _as_ids(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


class RoomInline(SysadminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Room
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    list_display = ["short_name", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Centre)
class CentreAdmin(AuditedAdmin):
    list_display = ["name", "address", "target_group", "operator", "is_active"]
    list_filter = ["target_group", "is_active"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    list_display = ["name", "centre", "kind", "capacity", "is_accessible", "is_active"]
    list_filter = ["centre", "kind", "is_accessible"]


class MembershipInline(SysadminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fields = ["centre", "role", "is_active"]

    # On one's own staff page the roles are read-only: nobody grants roles to themselves.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and not _is_self(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _is_self(request, obj)


def _is_self(request: HttpRequest, obj: Any = None) -> bool:
    return isinstance(obj, User) and obj.pk == request.user.pk


class NotOwnRolesForm(forms.ModelForm):  # type: ignore[type-arg]
    """Administrators run the system, not the cases: they cannot grant roles to themselves."""

    acting_user_id: int | None = None

    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        if user.pk == self.acting_user_id:
            raise forms.ValidationError(_("You cannot change your own roles."))
        return user


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "centre", "is_active"]
    list_filter = ["role", "centre", "is_active"]
    search_fields = ["user__username", "user__last_name"]
    form = NotOwnRolesForm

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user_id = request.user.pk  # type: ignore[attr-defined]
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        own = obj is not None and obj.user_id == request.user.pk
        return super().has_change_permission(request, obj) and not own


@admin.register(User)
class StaffAdmin(AuditedChanges, SysadminOnly, UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "last_name", "first_name", "institution", "is_active"]
    list_filter = ["institution", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "institution")}),
        (_("Status"), {"fields": ("is_active", "is_demo", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "institution",
                    "usable_password",
                    "password1",
                    "password2",
                )
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset two-factor authentication (lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        others = [user for user in queryset if user.pk != request.user.pk]
        for user in others:
            accounts_services.reset_second_factor(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(
            request,
            _(
                "Two-factor authentication reset for %(count)d account(s); they enrol again at "
                "their next sign-in."
            )
            % {"count": len(others)},
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django saves a new password outside save_model; audit it here, value masked.
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    _record_form_save(request, user, {"password": before}, change=True)
        return response


@admin.register(AccessAttempt)
class LockoutAdmin(SysadminOnly, AccessAttemptAdmin):
    """Failed sign-ins and lock-outs; deleting a row unlocks the account (audited)."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            _record_unlock(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            attempts = list(queryset)
            super().delete_queryset(request, queryset)
            for attempt in attempts:
                _record_unlock(request, attempt)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # django-axes records attempts; SysadminOnly would otherwise re-open the add form.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(can_use_admin(request.user))


def _record_unlock(request: HttpRequest, attempt: Any) -> None:
    audit.record(
        actor=request.user,  # type: ignore[arg-type]
        action="accounts.lockout_cleared",
        target_label=str(attempt.username or "")[:150],
    )
