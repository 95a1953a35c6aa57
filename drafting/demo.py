"""The demo personas: one definition for seed_demo and for the login page's list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    email: str
    role: str | None  # role in the demo draft; None: not a member
    delegation: str | None
    description: str | Promise  # shown on the sign-in page, in the visitor's language
    library_admin: bool = False
    # The interface language and time zone the persona starts with: Japanese officials
    # in Japanese and Tokyo time, the British in London time, the Americans in Washington's.
    language: str = "en"
    time_zone: str = "Europe/London"


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "uk.lead",
        "Eleanor Hart",
        "uk.lead@example.gov.uk",
        "owner",
        "UK",
        _("UK lead drafter: owns the demo draft, manages members and markings."),
    ),
    Persona(
        "uk.drafter",
        "Tom Ashby",
        "uk.drafter@example.gov.uk",
        "drafter",
        "UK",
        _("UK drafter: edits the text and inserts library clauses."),
    ),
    Persona(
        "jp.drafter",
        "Sato Haruka",
        "jp.drafter@example.go.jp",
        "drafter",
        "JP",
        _("Japanese drafter: edits both language texts."),
        language="ja",
        time_zone="Asia/Tokyo",
    ),
    Persona(
        "uk.reviewer",
        "Priya Nair",
        "uk.reviewer@example.gov.uk",
        "reviewer",
        "UK",
        _("UK legal adviser: reads the live text, cannot change it."),
    ),
    Persona(
        "jp.reviewer",
        "Kobayashi Ken",
        "jp.reviewer@example.go.jp",
        "reviewer",
        "JP",
        _("Japanese desk officer: reads the live text, cannot change it."),
        language="ja",
        time_zone="Asia/Tokyo",
    ),
    Persona(
        "us.state",
        "Dana Brooks",
        "us.state@example.gov",
        "consultee",
        "US",
        _("US State Department (EAP) consultee: sees only what a consultation round sends."),
        time_zone="America/New_York",
    ),
    Persona(
        "us.dod",
        "Marcus Lee",
        "us.dod@example.mil",
        "consultee",
        "US",
        _("US Department of Defense (OSD Policy) consultee."),
        time_zone="America/New_York",
    ),
    Persona(
        "librarian",
        "Ruth Okafor",
        "librarian@example.gov.uk",
        None,
        None,
        _("Library admin: curates treaties, provisions and clauses in the admin."),
        library_admin=True,
    ),
    Persona(
        "outsider",
        "Alex Grey",
        "outsider@example.org",
        None,
        None,
        _("No membership: sees the library, and no draft."),
    ),
)
