"""Django forms for the pages. They parse and check the shape of what was typed; the rules
themselves (who may, which markings, limits) stay in the services, whose errors the views
put back on the form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import inputs
from .errors import ApplicationError
from .models import Classification
from .selectors.negotiation import DelegationLeads
from .service_messages import message_translate


class DraftSettingsForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    title_ja = forms.CharField(max_length=300, required=False, label=_("Title in Japanese"))
    classification = forms.ChoiceField(
        choices=Classification.choices, label=_("Classification marking")
    )
    parties = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Parties"),
        help_text=_("The parties to the treaty, separated by commas."),
    )

    def clean_parties(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data["parties"].split(",") if p.strip()]


class _Usernames(forms.MultipleChoiceField):
    """Checkboxes of the members who may be named; a name posted from a page that is out of
    date (that member has since changed delegation or role) goes on to the service, whose
    message says why they cannot lead."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str)


class DelegationLeadsForm(forms.Form):
    """Who leads one delegation on the draft (signs off, reserves, reopens): the owner ticks
    the owner or drafters of that delegation; none ticked, all of them lead."""

    usernames = _Usernames(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(
        self,
        *args: Any,
        delegation: str,
        candidates: list[tuple[str, str]],
        named: list[str],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"leads-{delegation.lower()}")
        kwargs["initial"] = {"usernames": named}
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        self.named = named
        field = self.fields["usernames"]
        assert isinstance(field, _Usernames)
        field.choices = candidates
        field.label = _("Leads of the %(delegation)s delegation") % {"delegation": delegation}


def leads_forms(
    leads: dict[str, DelegationLeads], data: Any = None, posted: str = ""
) -> list[DelegationLeadsForm]:
    """One form per delegation (``selectors.negotiation.delegation_leads``); ``data`` binds
    the one that was posted."""
    return [
        DelegationLeadsForm(
            data if delegation == posted else None,
            delegation=delegation,
            candidates=state.candidates,
            named=state.named,
        )
        for delegation, state in leads.items()
    ]


def form_errors_add(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's error on the form: beside the field it names, else above the form."""
    field = next((name for name in error.fields or {} if name in form.fields), None)
    form.add_error(field, message_translate(error.message))


def initial_of(draft: Any) -> dict[str, Any]:
    return {
        "title": draft.title,
        "title_ja": draft.title_ja,
        "classification": draft.classification,
        "parties": ", ".join(p.name for p in draft.parties.all()),
    }


# --- the US consultation: opening a round and the offices ------------------------------------

DEADLINE_FORMAT = "%Y-%m-%dT%H:%M"


class IdsField(forms.Field):
    """Checked boxes that carry record ids (articles, offices): whole numbers, or a 400."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            number = inputs.id_parse(item)
            if number is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not the id of anything here."),
                    params={"value": str(item)[:40]},
                    code="invalid",
                )
            ids.append(number)
        return ids


class NamesField(forms.Field):
    """Checked boxes that carry user names."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return [str(item).strip() for item in values if str(item).strip()]


class RoundOpenForm(forms.Form):
    articles = IdsField(required=False, label=_("Articles to send"))
    offices = IdsField(required=False, label=_("US offices"))
    deadline = forms.CharField(
        label=_("Deadline"),
        strip=True,
        error_messages={
            "required": _("Give the deadline as a date and a time (UTC), e.g. 2026-12-01 17:00.")
        },
    )
    cover_note = forms.CharField(required=False, strip=False, label=_("Cover note"))
    close_at_deadline = forms.BooleanField(required=False)

    def clean_deadline(self) -> datetime:
        """A datetime-local value, read as UTC (the form says so), not in the reader's zone."""
        value = self.cleaned_data["deadline"]
        try:
            parsed = datetime.strptime(value, DEADLINE_FORMAT)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError(
                    _("Give the deadline as a date and a time (UTC), e.g. 2026-12-01 17:00."),
                    code="invalid",
                ) from None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

    def clean_cover_note(self) -> str:
        return str(self.cleaned_data["cover_note"]).replace("\r\n", "\n")


class OfficeCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    members = NamesField(required=False, label=_("Members"))


class OfficeMembersForm(forms.Form):
    members = NamesField(required=False, label=_("Members"))


def form_error(form: forms.Form) -> ApplicationError:
    """An invalid form as the error the pages show above it (each problem by its field's
    label) and answer with: 400."""
    problems = {
        str(form.fields[name].label) if name in form.fields else name: list(errors)
        for name, errors in form.errors.items()
    }
    first = next(iter(form.errors.values()))[0]
    return ApplicationError(str(first), fields=problems)
