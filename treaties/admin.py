"""The library admin: library admins (a group, not superusers) curate the corpus and the
clause library here, with import and export in JSON and CSV."""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import JSON

from .csvexport import SafeCSV
from .models import LibraryClause, ObligationType, Party, Provision, Treaty
from .resources import LibraryClauseResource, ProvisionResource, TreatyResource
from .services import library_clause_revise

# CSV through treaties.csvexport: no formula injection, a BOM for Excel, re-importable.
FORMATS = [JSON, SafeCSV]
# The confirm step names the file the first step saved (a temporary file, by its path). It
# comes back from the browser, so it is checked: a file directly in the temporary folder,
# named as tempfile names them, nothing else.
IMPORT_FILE_NAME = re.compile(r"tmp[A-Za-z0-9_]{1,40}", re.ASCII)


def import_file_acceptable(name: str) -> bool:
    folder = os.path.realpath(tempfile.gettempdir())
    path = os.path.realpath(os.path.join(folder, name))
    return os.path.dirname(path) == folder and bool(
        IMPORT_FILE_NAME.fullmatch(os.path.basename(path))
    )


class LibraryImportExportAdmin(ImportExportModelAdmin):
    formats = FORMATS
    import_formats = FORMATS
    export_formats = FORMATS

    # import-export lets any staff member import and export unless a permission code is set:
    # here they need the model permissions that the Library admins group holds.
    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirm step, refusing a file name that is not the upload's (a 500 before,
        and a path outside the temporary folder was read)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        if import_file_acceptable(name):
            try:
                return super().process_import(request, **kwargs)
            except FileNotFoundError:
                pass
        messages.error(
            request,
            _("That upload is no longer available (or never was): choose the file again."),
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))


class ProvisionInline(admin.StackedInline):
    model = Provision
    extra = 0
    fields = [
        "number",
        "heading",
        "text",
        "language",
        "position",
        "is_fragment",
        "partial",
        "source",
        "coverage_note",
    ]


@admin.register(Treaty)
class TreatyAdmin(LibraryImportExportAdmin):
    resource_classes = [TreatyResource]
    list_display = ["short_title", "signed_on", "entered_into_force", "complete"]
    search_fields = ["title", "short_title", "slug"]
    filter_horizontal = ["parties"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ProvisionInline]

    @admin.display(boolean=True)
    def complete(self, obj: Treaty) -> bool:
        return obj.is_complete


@admin.register(Provision)
class ProvisionAdmin(LibraryImportExportAdmin):
    resource_classes = [ProvisionResource]
    list_display = ["__str__", "language", "partial", "is_fragment"]
    list_filter = ["partial", "is_fragment", "language", "treaty"]
    search_fields = ["text", "number", "treaty__short_title"]
    list_select_related = ["treaty"]


@admin.register(LibraryClause)
class LibraryClauseAdmin(LibraryImportExportAdmin):
    resource_classes = [LibraryClauseResource]
    list_display = ["title", "obligation_type", "commitment_strength", "status", "updated_at"]
    list_filter = ["status", "obligation_type", "commitment_strength"]
    search_fields = ["title", "text", "text_ja", "guidance", "slug"]
    filter_horizontal = ["derived_from"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["obligation_type"]
    readonly_fields = ["version"]

    def save_model(self, request: HttpRequest, obj: LibraryClause, form: Any, change: bool) -> None:
        # A changed text or status becomes a new clause version, which the drafts that
        # inserted the clause are offered (treaties.hooks).
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            library_clause_revise(actor=request.user, clause=obj)


@admin.register(ObligationType)
class ObligationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "atop_variable", "position"]
    ordering = ["position"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    search_fields = ["name"]
