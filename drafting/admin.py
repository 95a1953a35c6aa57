"""Drafts are changed through the app's services (permissions, renumbering, history), so the
admin shows them read-only: for support, never for editing treaty text."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from treaties import admin as library_admin
from treaties.models import LibraryClause, ObligationType, Party, Provision, Treaty

from .models import (
    ApiToken,
    Article,
    AuditEvent,
    Draft,
    GroupPolicy,
    Membership,
    Notification,
    Revision,
    Version,
)
from .permissions import signed_in
from .services.audit import audit_record


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["title", "classification", "created_by", "updated_at"]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "draft", "position", "releasability"]
    list_select_related = ["draft"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "draft", "role", "delegation"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "author", "updated_at", "closed_at"]
    list_select_related = ["article", "author"]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "draft", "created_by", "created_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_username", "action", "object_type", "object_id", "draft_id"]
    list_filter = ["action"]
    search_fields = ["actor_username", "action", "object_id"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Admins see who holds API tokens and revoke one by deleting it (the token itself is
    never stored, only its digest)."""

    list_display = ["user", "created"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class GroupPolicyInline(admin.StackedInline):
    model = GroupPolicy
    can_delete = False
    verbose_name_plural = "sign-in policy"


class GroupWithPolicyAdmin(GroupAdmin):
    """Groups, with the switch that requires their members to use an authenticator app."""

    inlines = [GroupPolicyInline]


admin.site.unregister(Group)
admin.site.register(Group, GroupWithPolicyAdmin)


class EmailStatusFilter(admin.SimpleListFilter):
    """Emails that failed for good are what an admin must see (issue 15)."""

    title = _("email")
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("failed", _("Failed")),
            ("pending", _("Not sent yet")),
            ("sent", _("Sent")),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "failed":
            return queryset.filter(email_failed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(emailed_at__isnull=True, email_failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "recipient",
        "created_at",
        "read_at",
        "emailed_at",
        "email_attempts",
        "email_failed_at",
        "email_error",
    ]
    list_filter = [EmailStatusFilter, "kind"]


# --- the library admin, audited -------------------------------------------------------------
# treaties/ knows nothing of drafting (where the audit trail lives), so the audit is added
# here, around the library's own admin classes: every save, delete and import of the
# clause library is an audit event, written in the same transaction.


class AuditedAdminMixin:
    model: Any

    def _audit(
        self, request: HttpRequest, action: str, obj: Any, data: dict[str, Any] | None = None
    ) -> None:
        audit_record(
            actor=signed_in(request.user),
            action=f"library.{self.model._meta.model_name}.{action}",
            object_type=self.model._meta.model_name,
            object_id=obj.pk if obj is not None else "",
            data={"repr": str(obj)[:200], **(data or {})} if obj is not None else data,
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            self._audit(
                request, "change" if change else "add", obj, {"fields": list(form.changed_data)}
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, "delete", obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, "delete", obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def process_dataset(self, dataset: Any, form: Any, request: HttpRequest, **kwargs: Any) -> Any:
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)  # type: ignore[misc]
            if not (result.has_errors() or result.has_validation_errors()):
                self._audit(
                    request,
                    "import",
                    None,
                    {"totals": dict(result.totals), "rows": result.total_rows},
                )
        return result


for _model, _admin_class in (
    (Treaty, library_admin.TreatyAdmin),
    (Provision, library_admin.ProvisionAdmin),
    (LibraryClause, library_admin.LibraryClauseAdmin),
    (ObligationType, library_admin.ObligationTypeAdmin),
    (Party, library_admin.PartyAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"Audited{_admin_class.__name__}", (AuditedAdminMixin, _admin_class), {})
    )
