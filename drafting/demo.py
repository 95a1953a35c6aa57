"""The demo personas: one definition for seed_demo and for the login page's list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    email: str
    role: str | None  # role in the demo draft; None: not a member
    delegation: str | None
    description: str
    library_admin: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "uk.lead",
        "Eleanor Hart",
        "uk.lead@example.gov.uk",
        "owner",
        "UK",
        "UK lead drafter: owns the demo draft, manages members and markings.",
    ),
    Persona(
        "uk.drafter",
        "Tom Ashby",
        "uk.drafter@example.gov.uk",
        "drafter",
        "UK",
        "UK drafter: edits the text and inserts library clauses.",
    ),
    Persona(
        "jp.drafter",
        "Sato Haruka",
        "jp.drafter@example.go.jp",
        "drafter",
        "JP",
        "Japanese drafter: edits both language texts.",
    ),
    Persona(
        "uk.reviewer",
        "Priya Nair",
        "uk.reviewer@example.gov.uk",
        "reviewer",
        "UK",
        "UK legal adviser: reads the live text, cannot change it.",
    ),
    Persona(
        "jp.reviewer",
        "Kobayashi Ken",
        "jp.reviewer@example.go.jp",
        "reviewer",
        "JP",
        "Japanese desk officer: reads the live text, cannot change it.",
    ),
    Persona(
        "us.state",
        "Dana Brooks",
        "us.state@example.gov",
        "consultee",
        "US",
        "US State Department (EAP) consultee: sees only what a consultation round sends.",
    ),
    Persona(
        "us.dod",
        "Marcus Lee",
        "us.dod@example.mil",
        "consultee",
        "US",
        "US Department of Defense (OSD Policy) consultee.",
    ),
    Persona(
        "librarian",
        "Ruth Okafor",
        "librarian@example.gov.uk",
        None,
        None,
        "Library admin: curates treaties, provisions and clauses in the admin.",
        library_admin=True,
    ),
    Persona(
        "outsider",
        "Alex Grey",
        "outsider@example.org",
        None,
        None,
        "No membership: sees the library, and no draft.",
    ),
)
