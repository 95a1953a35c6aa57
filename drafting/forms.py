"""Django forms for the pages. They parse and check the shape of what was typed; the rules
themselves (who may, which markings, limits) stay in the services, whose errors the views
put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError
from .models import Classification


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
    leads: dict[str, dict[str, Any]], data: Any = None, posted: str = ""
) -> list[DelegationLeadsForm]:
    """One form per delegation (``selectors.negotiation.delegation_leads``); ``data`` binds
    the one that was posted."""
    return [
        DelegationLeadsForm(
            data if delegation == posted else None,
            delegation=delegation,
            candidates=state["candidates"],
            named=state["named"],
        )
        for delegation, state in leads.items()
    ]


def form_errors_add(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's error on the form: beside the field it names, else above the form."""
    field = next((name for name in error.fields or {} if name in form.fields), None)
    form.add_error(field, error.message)


def initial_of(draft: Any) -> dict[str, Any]:
    return {
        "title": draft.title,
        "title_ja": draft.title_ja,
        "classification": draft.classification,
        "parties": ", ".join(p.name for p in draft.parties.all()),
    }
