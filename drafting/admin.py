"""Drafts are changed through the app's services (permissions, renumbering, history), so the
admin shows them read-only: for support, never for editing treaty text."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Article, Draft, Membership, Notification


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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at", "emailed_at"]
