"""Configuration from the environment: production defaults pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "AUDIT_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_debug_off_and_a_secret_key():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-key-" + "q8Zr3vXw" * 6,
        AUDIT_KEY="a-long-random-audit-key-" + "Kp4wT9sL" * 6,
        ALLOWED_HOSTS="entente.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("audit_key", "message"),
    [
        ("", "entente.E001) AUDIT_KEY is not set"),
        ("a-long-random-production-key-" + "q8Zr3vXw" * 6, "AUDIT_KEY must differ from SECRET_KEY"),
        ("short", "AUDIT_KEY is shorter than 32 characters"),
    ],
)
def test_check_deploy_refuses_a_missing_or_reused_audit_key(audit_key, message):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-key-" + "q8Zr3vXw" * 6,
        AUDIT_KEY=audit_key,
        ALLOWED_HOSTS="entente.example.gov.uk",
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_missing_secret_key_is_refused_with_a_clear_message():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_seed_demo_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("seed_demo")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="uk.lead").exists()


def test_seed_demo_builds_the_model_draft(db, settings, corpus):
    from drafting.models import Article, Draft, Membership

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    draft = Draft.objects.get()
    assert draft.title.startswith("Treaty of Alliance between the United Kingdom")
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    assert 11 <= len(articles) <= 13
    assert articles[0].kind == "preamble"
    assert [a.number for a in articles[1:4]] == ["1", "2", "3"]
    assert sum(1 for a in articles if a.source_clause_id) >= 8
    assert all(a.text_en and a.text_ja for a in articles)
    roles = dict(Membership.objects.filter(draft=draft).values_list("user__username", "role"))
    assert roles == {
        "uk.lead": "owner",
        "uk.drafter": "drafter",
        "jp.drafter": "drafter",
        "uk.reviewer": "reviewer",
        "jp.reviewer": "reviewer",
        "us.state": "consultee",
        "us.dod": "consultee",
    }
    from django.contrib.auth import authenticate

    assert (
        authenticate(username="librarian", password=settings.DEMO_PASSWORD)
        .groups.filter(name="Library admins")
        .exists()
    )
    assert authenticate(username="outsider", password=settings.DEMO_PASSWORD) is not None
