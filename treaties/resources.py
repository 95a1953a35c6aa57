"""Import and export of the library (django-import-export), in JSON and CSV.

Every row is validated with the model's own rules (choices, required fields, references);
an import with any bad row reports each one and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .models import LibraryClause, ObligationType, Party, Provision, Treaty
from .services import library_clause_revise


class ProvisionRefWidget(widgets.ManyToManyWidget):
    """Provisions as "treaty-slug:number" (or "treaty-slug:fragment:number"), separated by "|"."""

    def __init__(self) -> None:
        super().__init__(Provision, separator="|")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if not value:
            return Provision.objects.none()
        pks = []
        for ref in str(value).split(self.separator):
            ref = ref.strip()
            if not ref:
                continue
            parts = ref.split(":")
            is_fragment = len(parts) == 3 and parts[1] == "fragment"
            if len(parts) not in (2, 3) or (len(parts) == 3 and not is_fragment):
                raise ValueError(f"{ref!r} is not a provision reference: use treaty-slug:number.")
            provision = Provision.objects.filter(
                treaty__slug=parts[0], number=parts[-1], is_fragment=is_fragment
            ).first()
            if provision is None:
                raise ValueError(f"No provision {ref!r} in the corpus.")
            pks.append(provision.pk)
        return Provision.objects.filter(pk__in=pks)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return self.separator.join(
            f"{p.treaty.slug}:fragment:{p.number}"
            if p.is_fragment
            else f"{p.treaty.slug}:{p.number}"
            for p in value.select_related("treaty").all()
        )


class CodeWidget(widgets.ForeignKeyWidget):
    """A reference by code or slug; an unknown one is a validation error naming the value."""

    def __init__(self, model: Any, field: str, noun: str) -> None:
        super().__init__(model, field=field)
        self.noun = noun

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            known = ", ".join(
                str(v)
                for v in self.model.objects.order_by(self.field).values_list(self.field, flat=True)
            )
            raise ValueError(f"No {self.noun} {value!r}. Use one of: {known}.") from None


class StrictModelResource(resources.ModelResource):
    """Validates each instance with full_clean, and refuses unknown columns.

    Every problem of a row is a validation error of that row, so that the admin lists every
    bad row of a file at once (import-export shows validation errors only when no row raised).
    """

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many references are written after the row is saved; check them now.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def import_data(
        self,
        dataset: Any,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> Any:
        # import-export rolls back on errors but, by default, commits the valid rows of a
        # dataset with invalid ones (a bad choice, a blank required field): all or nothing.
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        known = {f.column_name for f in self.get_import_fields()} | {"id"}
        unknown = [h for h in dataset.headers or [] if h not in known]
        if unknown:
            raise ValidationError(
                f"Unknown columns: {', '.join(unknown)}. Known columns: {', '.join(sorted(known))}."
            )


class TreatyResource(StrictModelResource):
    parties = fields.Field(
        attribute="parties",
        column_name="parties",
        widget=widgets.ManyToManyWidget(Party, field="name", separator="|"),
    )

    class Meta:
        model = Treaty
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "short_title",
            "signed_on",
            "entered_into_force",
            "parties",
            "source",
            "licence_note",
            "coverage_note",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # Parties named in an import are created, so a new treaty can bring new states.
        for name in str(row.get("parties") or "").split("|"):
            if name.strip():
                Party.objects.get_or_create(name=name.strip())


class ProvisionResource(StrictModelResource):
    treaty = fields.Field(
        attribute="treaty",
        column_name="treaty",
        widget=CodeWidget(Treaty, field="slug", noun="treaty"),
    )

    class Meta:
        model = Provision
        import_id_fields = ["treaty", "number", "is_fragment"]
        fields = [
            "treaty",
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
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class LibraryClauseResource(StrictModelResource):
    obligation_type = fields.Field(
        attribute="obligation_type",
        column_name="obligation_type",
        widget=CodeWidget(ObligationType, field="code", noun="obligation type"),
    )
    derived_from = fields.Field(
        attribute="derived_from", column_name="derived_from", widget=ProvisionRefWidget()
    )

    class Meta:
        model = LibraryClause
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "heading_ja",
            "text",
            "text_ja",
            "status",
            "obligation_type",
            "commitment_strength",
            "derived_from",
            "guidance",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        # An imported change of text or status is a new clause version, offered to the drafts
        # that inserted the clause, as an admin's save is (treaties.services). A dry run rolls
        # its transaction back, and with it the version and the queued offer.
        super().after_save_instance(instance, row, **kwargs)
        library_clause_revise(actor=None, clause=instance)
