"""The optional second factor (issue 15 part 1): a code from an authenticator app (TOTP,
django-otp), which a user can turn on for themselves and an administrator can require for a
group. Codes are computed here as an app would, from the device's key."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from drafting.models import GroupPolicy
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("_no_otp_throttle")


@pytest.fixture
def _no_otp_throttle(settings):
    # django-otp makes each wrong code double the wait before the next; tests that try a
    # wrong code and then the right one would otherwise sleep. One test checks the wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def fresh(device: TOTPDevice) -> None:
    """Let the current code be used again (django-otp refuses a code already used)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def password_step(client: Client, username: str = "uk.drafter", next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, REMOTE_ADDR="198.51.100.8")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def uk_group(personas):
    group = Group.objects.create(name="UK delegation")
    personas.uk_drafter.groups.add(group)
    return group


def require_for(group: Group) -> None:
    GroupPolicy.objects.update_or_create(group=group, defaults={"require_totp": True})


def test_without_an_app_or_a_policy_the_password_is_enough(client, personas, uk_group):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_a_required_group_member_sets_up_an_app_while_signing_in(client, personas, uk_group):
    require_for(uk_group)
    response = password_step(client, next_url="/library/")
    assert response["Location"] == "/login/two-factor/"
    assert not signed_in(client)
    # Nothing else is open yet.
    assert client.get("/")["Location"].startswith("/login/")
    page = client.get("/login/two-factor/").content.decode()
    assert "Set up an authenticator app" in page and "<svg" in page
    secret = re.search(r'data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=personas.uk_drafter)
    assert not device.confirmed
    assert (
        base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    wrong = client.post(
        "/login/two-factor/", {"otp": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert not signed_in(client)
    response = client.post("/login/two-factor/", {"otp": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/library/"
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_a_confirmed_app_is_asked_for_at_every_sign_in(client, personas):
    device = TOTPDevice.objects.create(user=personas.uk_drafter, name="app", confirmed=True)
    assert password_step(client)["Location"] == "/login/two-factor/"
    page = client.get("/login/two-factor/").content.decode()
    assert "Enter your code" in page and "totp-secret" not in page
    response = client.post("/login/two-factor/", {"otp": ""})
    assert response.status_code == 400 and not signed_in(client)
    response = client.post("/login/two-factor/", {"otp": code_for(device)})
    assert response["Location"] == "/" and signed_in(client)
    # The same code cannot be used twice.
    client.post("/logout/")
    password_step(client)
    response = client.post("/login/two-factor/", {"otp": code_for(device)})
    assert response.status_code == 400 and not signed_in(client)


def test_the_code_step_needs_the_password_step_first(client, personas):
    TOTPDevice.objects.create(user=personas.uk_drafter, name="app", confirmed=True)
    response = client.get("/login/two-factor/")
    assert response["Location"] == "/login/"
    assert client.post("/login/two-factor/", {"otp": "123456"})["Location"] == "/login/"


def test_guessing_codes_is_slowed_down(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    device = TOTPDevice.objects.create(user=personas.uk_drafter, name="app", confirmed=True)
    password_step(client)
    right = code_for(device)
    client.post("/login/two-factor/", {"otp": "000000" if right != "000000" else "111111"})
    response = client.post("/login/two-factor/", {"otp": right})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert not signed_in(client)


@override_settings(OTP_RECHECK_SECONDS=0)
def test_a_session_is_signed_out_when_its_group_begins_to_require_a_code(
    client, personas, uk_group
):
    client.force_login(personas.uk_drafter)
    assert client.get("/").status_code == 200
    require_for(uk_group)
    api = client.get("/api/v1/drafts/")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    response = client.get("/library/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not signed_in(client)


def test_the_admin_requires_a_code_per_group(personas, uk_group):
    admin = personas.librarian
    admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/auth/group/{uk_group.pk}/change/").content.decode()
    assert "require_totp" in page
    # The admin's own sign-in page is the app's, with its second step.
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/login/?next=/admin/"


def test_a_user_turns_the_second_factor_on_and_off(client, personas):
    client.force_login(personas.uk_drafter)
    page = client.get("/account/two-factor/").content.decode()
    assert "Off:" in page
    page = client.post("/account/two-factor/", {"action": "start"}).content.decode()
    assert "totp-secret" in page
    device = TOTPDevice.objects.get(user=personas.uk_drafter)
    response = client.post("/account/two-factor/", {"action": "confirm", "otp": code_for(device)})
    assert response.status_code == 302
    assert "On:" in client.get("/account/two-factor/").content.decode()
    fresh(device)
    # Turning it off needs a current code.
    assert client.post("/account/two-factor/", {"action": "remove", "otp": ""}).status_code == 400
    response = client.post("/account/two-factor/", {"action": "remove", "otp": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.uk_drafter).exists()


def test_a_required_app_cannot_be_turned_off(client, personas, uk_group):
    require_for(uk_group)
    device = TOTPDevice.objects.create(user=personas.uk_drafter, name="app", confirmed=True)
    password_step(client)
    client.post("/login/two-factor/", {"otp": code_for(device)})
    assert signed_in(client)
    fresh(device)
    response = client.post("/account/two-factor/", {"action": "remove", "otp": code_for(device)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=personas.uk_drafter, confirmed=True).exists()


def test_the_token_endpoint_asks_for_the_code(personas, uk_group):
    def token(**extra):
        return APIClient().post(
            "/api/v1/auth/token/",
            {"username": "uk.drafter", "password": PASSWORD, **extra},
            format="json",
        )

    require_for(uk_group)
    assert token().json()["code"] == "otp_setup_required"
    device = TOTPDevice.objects.create(user=personas.uk_drafter, name="app", confirmed=True)
    missing = token()
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    wrong = token(otp="12345x")
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"
    response = token(otp=code_for(device))
    assert response.status_code == 200 and response.json()["token"]


def test_the_demo_login_list_still_works_with_the_second_factor_installed(client, db, settings):
    settings.DEMO_MODE = True
    html = client.get("/login/").content.decode()
    assert "uk.lead" in html and "entente-demo" in html
