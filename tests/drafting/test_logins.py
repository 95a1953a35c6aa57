"""Logins that resist guessing (issue 15 part 1): lockout on /login/ and on the token endpoint
keyed on the real client address and the username, visible to admins, undone by a command;
API tokens that expire, are revoked by a password change and can be revoked by their user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from drafting.clientaddress import client_address
from tests.conftest import PASSWORD

LIMIT = 5


def login_page_post(client, username: str, password: str, address: str = "198.51.100.7", **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def token_post(username: str, password: str, address: str = "198.51.100.7", **extra):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        **extra,
    )


@override_settings(AXES_FAILURE_LIMIT=LIMIT, DEMO_MODE=True)
def test_login_page_locks_out_a_guesser_even_with_the_right_password(client, personas):
    for _ in range(LIMIT - 1):
        response = login_page_post(client, "uk.drafter", "wrong")
        assert "did not match" in response.content.decode()
    # The failure that reaches the limit already says so.
    assert login_page_post(client, "uk.drafter", "wrong").status_code == 429
    response = login_page_post(client, "uk.drafter", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    # The page is still the sign-in page, with the demo personas listed.
    assert 'name="username"' in html and "jp.drafter" in html
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=LIMIT, TRUSTED_PROXY_COUNT=0)
def test_a_changing_forwarded_for_header_does_not_evade_the_lockout(client, personas):
    for n in range(LIMIT):
        login_page_post(client, "uk.drafter", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = login_page_post(client, "uk.drafter", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_one_address_guessing_many_usernames_is_locked_out(client, personas):
    for n in range(LIMIT):
        login_page_post(client, f"nobody{n}", "wrong")
    assert login_page_post(client, "uk.drafter", PASSWORD).status_code == 429
    # Another address is not affected.
    response = login_page_post(client, "uk.drafter", PASSWORD, address="192.0.2.9")
    assert response.status_code == 302


def test_client_address_trusts_the_proxy_header_only_when_configured():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_address(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The address our own proxy saw (the last one it appended), not what the client wrote.
        assert client_address(request) == "203.0.113.5"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address(request) == "6.6.6.6"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(garbage) == "10.0.0.2"
    missing = factory.get("/", REMOTE_ADDR="10.0.0.2")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(missing) == "10.0.0.2"


def test_token_throttle_keys_on_the_real_address():
    from drafting.api.views import TokenThrottle

    factory = RequestFactory()
    idents = {
        TokenThrottle().get_ident(
            factory.post("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        )
        for n in range(5)
    }
    assert idents == {"198.51.100.7"}


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_token_endpoint_locks_out_with_a_json_message(personas):
    for n in range(LIMIT - 1):
        response = token_post("uk.drafter", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 400
    assert token_post("uk.drafter", "wrong").status_code == 429
    response = token_post("uk.drafter", PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "Too many failed sign-ins" in body["detail"]
    assert int(response["Retry-After"]) > 0


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_lockouts_are_visible_to_admins_and_undone_by_the_command(client, personas):
    for _ in range(LIMIT):
        login_page_post(client, "uk.drafter", "wrong")
    admin = personas.librarian
    admin.is_superuser = True
    admin.save()
    admin_client = type(client)()
    admin_client.force_login(admin)
    page = admin_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "uk.drafter" in page.content.decode()

    call_command("axes_reset_username", "uk.drafter")
    call_command("axes_reset_ip", "198.51.100.7")
    assert login_page_post(client, "uk.drafter", PASSWORD).status_code == 302


# --- API tokens ---------------------------------------------------------------------------


def token_for(username: str = "uk.drafter") -> str:
    response = token_post(username, PASSWORD)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_tokens_are_stored_hashed(personas):
    from drafting.models import ApiToken

    token = token_for()
    stored = ApiToken.objects.get(user=personas.uk_drafter)
    assert token not in (stored.digest, str(stored.pk))
    assert with_token(token).get("/api/v1/drafts/").status_code == 200


def test_a_password_change_revokes_tokens(personas):
    token = token_for()
    user = personas.uk_drafter
    user.set_password("a-new-and-long-password")
    user.save()
    response = with_token(token).get("/api/v1/drafts/")
    assert response.status_code == 401
    assert "password was changed" in response.json()["detail"]


def test_the_user_revokes_their_tokens(personas):
    token = token_for()
    other = token_for()
    response = with_token(token).delete("/api/v1/auth/token/")
    assert response.status_code == 204
    for revoked in (token, other):
        response = with_token(revoked).get("/api/v1/drafts/")
        assert response.status_code == 401
    # Someone else's token is untouched.
    assert with_token(token_for("jp.drafter")).get("/api/v1/drafts/").status_code == 200


def test_revoking_needs_authentication(db):
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


@pytest.mark.parametrize("ttl, age_hours, status", [(24, 23, 200), (24, 25, 401), (0, 10000, 200)])
def test_tokens_expire_after_the_configured_hours(personas, ttl, age_hours, status):
    from drafting.models import ApiToken

    token = token_for()
    ApiToken.objects.filter(user=personas.uk_drafter).update(
        created=timezone.now() - dt.timedelta(hours=age_hours)
    )
    with override_settings(API_TOKEN_TTL_HOURS=ttl):
        response = with_token(token).get("/api/v1/drafts/")
    assert response.status_code == status
    if status == 401:
        assert "expired" in response.json()["detail"]


def test_an_inactive_user_token_is_refused(personas):
    token = token_for()
    personas.uk_drafter.is_active = False
    personas.uk_drafter.save()
    assert with_token(token).get("/api/v1/drafts/").status_code == 401


def test_schema_documents_token_revocation(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/auth/token/"]
    assert {"post", "delete"} <= operations.keys()
    assert "204" in operations["delete"]["responses"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The token endpoint's throttle counts in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
