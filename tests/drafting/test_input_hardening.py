"""No input gives a 500 (issue 15, part 5): each finding of the probe, and its class."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import path
from rest_framework.test import APIClient

from drafting import inputs
from drafting import urls as entente_urls
from drafting.models import Article, Notification, Suggestion
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import review
from tests.conftest import PASSWORD

BIG = 2**63
SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True and int("²") raises ValueError


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Consultation")


@pytest.fixture
def suggestion(article, personas) -> Suggestion:
    return review.suggestion_create(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=4,
        end=11,
        replacement="Both Parties",
        note="",
        visibility="both",
    )


def raw_json(client: APIClient, url: str, body: str | bytes):
    return client.generic("POST", url, body, content_type="application/json")


# --- the one layer itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (12, 12),
        (SUPERSCRIPT_TWO, None),
        ("\u0663", None),  # Arabic-Indic three: int() would take it
        (str(BIG), None),
        (str(BIG - 1), BIG - 1),
        (BIG, None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        (" 3", None),
        ("1_000", None),  # int() takes underscores
        (True, None),
        (None, None),
    ],
)
def test_id_parse(value, expected):
    assert inputs.id_parse(value) == expected


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udc00"])
def test_text_problem_finds_nul_and_lone_surrogates(text):
    assert inputs.text_problem(text)
    assert inputs.text_problem("締約国 𠮟 ok") is None


# --- URLs: ids no 64-bit column holds -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/drafts/{BIG}/",
        f"/api/v1/articles/{BIG}/",
        f"/api/v1/articles/{BIG}/revisions/",
        f"/api/v1/threads/{BIG}/",
        f"/api/v1/consultations/{BIG}/",
        f"/api/v1/drafts/1/versions/{BIG}/",
        f"/api/v1/library/provisions/{BIG}/",
        f"/api/v1/articles/{BIG * 10**6}/revisions/{BIG}/",
    ],
)
def test_huge_ids_in_api_urls_are_404_json(personas, api, url):
    response = api(personas.owner).get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_huge_ids_in_page_urls_are_404(personas, client, draft):
    client.force_login(personas.owner)
    for url in (
        f"/drafts/{BIG}/",
        f"/drafts/{draft.pk}/articles/{BIG}/",
        f"/drafts/{draft.pk}/articles/{BIG}/history/",
        f"/drafts/{draft.pk}/consultations/{BIG}/",
        f"/drafts/{draft.pk}/versions/{BIG}/",
    ):
        assert client.get(url).status_code == 404, url


def test_huge_ids_in_action_urls_write_nothing(personas, api, draft):
    owner = api(personas.owner)
    for url in (
        f"/api/v1/suggestions/{BIG}/accept/",
        f"/api/v1/suggestions/{BIG}/reject/",
        f"/api/v1/conflicts/{BIG}/resolve/",
        f"/api/v1/threads/{BIG}/resolve/",
        f"/api/v1/drafts/{draft.pk}/versions/{BIG}/restore/",
    ):
        assert owner.post(url, {"reason": "x"}, format="json").status_code == 404, url


# --- query strings and forms: "²" and NUL ------------------------------------------------


def test_superscript_digit_in_query_parameter_is_400(draft, personas, api):
    eap = consultation_services.office_create(
        actor=personas.owner, draft=draft, name="State EAP", members=["us.state"]
    )
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    draft_services.article_set_releasability(
        actor=personas.owner, article=purposes, releasability="REL USA"
    )
    from datetime import timedelta

    from django.utils import timezone

    round_ = consultation_services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[purposes.pk],
        office_ids=[eap.pk],
        deadline=timezone.now() + timedelta(days=3),
        cover_note="",
    )
    owner = api(personas.owner)
    for value in (SUPERSCRIPT_TWO, str(BIG), "-1"):
        response = owner.get(f"/api/v1/consultations/{round_.pk}/messages/?office={value}")
        assert response.status_code == 400, value
        assert response.json()["fields"]["office"]
    assert (
        owner.get(f"/api/v1/consultations/{round_.pk}/messages/?office={eap.pk}").status_code == 200
    )


@pytest.mark.parametrize(
    "url", ["/api/v1/drafts/?page=1&x=%00", "/api/v1/notifications/?unread=%00"]
)
def test_nul_in_query_string_is_400(personas, api, url):
    response = api(personas.owner).get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_superscript_digits_in_page_forms_are_refused_not_500(draft, personas, client):
    """The six form fields of the probe: office (three forms), articles, offices, draft."""
    client.force_login(personas.owner)
    eap = consultation_services.office_create(
        actor=personas.owner, draft=draft, name="State EAP", members=["us.state"]
    )
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    draft_services.article_set_releasability(
        actor=personas.owner, article=purposes, releasability="REL USA"
    )
    url = f"/drafts/{draft.pk}/consultations/"
    posts = [
        (f"{url}offices/{BIG}/members/", {"members": ["us.state"]}),
        (
            f"{url}open/",
            {
                "articles": [SUPERSCRIPT_TWO, str(purposes.pk)],
                "offices": [SUPERSCRIPT_TWO, str(BIG)],
                "deadline": "2099-01-01T10:00",
            },
        ),
    ]
    for target, data in posts:
        response = client.post(target, data)
        assert 400 <= response.status_code < 500, data
    from datetime import timedelta

    from django.utils import timezone

    round_ = consultation_services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[purposes.pk],
        office_ids=[eap.pk],
        deadline=timezone.now() + timedelta(days=3),
        cover_note="",
    )
    client.force_login(personas.consultee)
    round_url = f"/drafts/{draft.pk}/consultations/{round_.number}/"
    snapshot = round_.articles.get()
    for data in (
        {
            "action": "respond",
            "snapshot": snapshot.pk,
            "office": SUPERSCRIPT_TWO,
            "position": "agree",
        },
        {"action": "respond", "snapshot": SUPERSCRIPT_TWO, "office": eap.pk, "position": "agree"},
        {"action": "post", "office": SUPERSCRIPT_TWO, "body": "Hello"},
        {"action": "dispose", "response": SUPERSCRIPT_TWO, "outcome": "accepted"},
    ):
        response = client.post(round_url, data)
        assert response.status_code < 500, data
    client.force_login(personas.owner)
    response = client.post(
        "/library/clauses/x/insert/", {"draft": SUPERSCRIPT_TWO, "position": SUPERSCRIPT_TWO}
    )
    assert response.status_code < 500


def test_nul_in_a_page_form_is_refused_and_writes_nothing(draft, personas, client):
    client.force_login(personas.owner)
    before = Article.objects.count()
    response = client.post(
        f"/drafts/{draft.pk}/articles/new/", {"heading": "Bad\x00heading", "text_en": "x"}
    )
    assert response.status_code == 400
    assert Article.objects.count() == before


# --- JSON bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_json_is_400_even_without_login(depth):
    client = APIClient()
    response = raw_json(client, "/api/v1/auth/token/", "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    response = raw_json(client, "/api/v1/auth/token/", '{"username":' + "[" * depth)
    assert response.status_code == 400


def test_deeply_nested_json_to_an_authenticated_endpoint_is_400(personas, api, article):
    response = raw_json(api(personas.owner), f"/api/v1/articles/{article.pk}/move/", "{" * 5000)
    assert response.status_code == 400


@pytest.mark.parametrize("body", ['{"reason": "no\\ud800"}', '{"reason": "no\\u0000"}'])
def test_reject_reason_with_lone_surrogate_or_nul_is_400(personas, api, suggestion, body):
    response = raw_json(api(personas.owner), f"/api/v1/suggestions/{suggestion.pk}/reject/", body)
    assert response.status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


def test_reject_reason_with_nul_is_refused_by_the_service_too(personas, suggestion):
    from drafting.errors import ApplicationError

    with pytest.raises(ApplicationError):
        review.suggestion_reject(actor=personas.owner, suggestion=suggestion, reason="a\x00b")


@pytest.mark.parametrize(
    "url_tail, body",
    [
        ("move/", {"position": BIG}),
        ("move/", {"position": -BIG - 1}),
        ("", {"position": BIG}),
    ],
)
def test_integers_beyond_64_bits_are_400(personas, api, article, url_tail, body):
    response = api(personas.owner).generic(
        "PATCH" if not url_tail else "POST",
        f"/api/v1/articles/{article.pk}/{url_tail}",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "position" in response.json()["fields"]


def test_notification_ids_beyond_64_bits_are_400(personas, api):
    response = api(personas.owner).post(
        "/api/v1/notifications/read/", {"ids": [1, BIG]}, format="json"
    )
    assert response.status_code == 400


def test_round_deadline_in_month_13_is_400(draft, personas, api):
    eap = consultation_services.office_create(
        actor=personas.owner, draft=draft, name="State EAP", members=["us.state"]
    )
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    draft_services.article_set_releasability(
        actor=personas.owner, article=purposes, releasability="REL USA"
    )
    for deadline in ("2027-13-01T10:00:00Z", "2027-04-31T10:00:00Z", "2027-01-01T25:00:00Z"):
        response = api(personas.owner).post(
            f"/api/v1/drafts/{draft.pk}/consultations/",
            {"articles": [purposes.pk], "offices": [eap.pk], "deadline": deadline},
            format="json",
        )
        assert response.status_code == 400, deadline
        assert "deadline" in response.json()["fields"]


# --- suggestions on a deleted article ----------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "outsider", "reviewer"])
@pytest.mark.parametrize("action", ["accept", "reject"])
def test_deciding_a_suggestion_of_a_deleted_article_is_not_a_500(
    personas, api, suggestion, article, who, action
):
    draft_services.article_delete(actor=personas.owner, article=article)
    response = api(getattr(personas, who)).post(
        f"/api/v1/suggestions/{suggestion.pk}/{action}/", {"reason": "Gone."}, format="json"
    )
    assert response.status_code in (403, 404)
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


# --- the sync endpoint ------------------------------------------------------------------


def start_session(api_client, article) -> str:
    response = api_client.post(
        f"/api/v1/articles/{article.pk}/sessions/", {"language": "en"}, format="json"
    )
    assert response.status_code == 201
    return response.json()["session"]


def test_sync_seq_beyond_64_bits_is_400(personas, api, article):
    client = api(personas.uk_drafter)
    session = start_session(client, article)
    url = f"/api/v1/articles/{article.pk}/sessions/{session}/sync/"
    for body in (
        {"seq": BIG, "server_version": 0, "edits": []},
        {"seq": 1, "server_version": BIG, "edits": []},
        {"seq": 1, "server_version": 0, "edits": [{"client_version": BIG, "delta": "=3"}]},
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body


@pytest.mark.parametrize("delta", ["=34\t+%00", "=34\t+a%00b", "=34\t+%ED%A0%80"])
def test_sync_refuses_nul_like_every_other_path(personas, api, article, delta):
    client = api(personas.uk_drafter)
    session = start_session(client, article)
    url = f"/api/v1/articles/{article.pk}/sessions/{session}/sync/"
    response = client.post(
        url,
        {"seq": 1, "server_version": 0, "edits": [{"client_version": 0, "delta": delta}]},
        format="json",
    )
    assert response.status_code in (400, 409)
    if response.status_code == 400:
        assert response.json()["code"] == "text_invalid"
    article.refresh_from_db()
    assert "\x00" not in article.text_en
    assert article.text_en == "The Parties will consult together."


def test_nul_in_the_session_key_is_404(personas, api, article):
    client = api(personas.uk_drafter)
    response = client.post(
        f"/api/v1/articles/{article.pk}/sessions/ab%00cd/sync/",
        {"seq": 1, "server_version": 0, "edits": []},
        format="json",
    )
    assert response.status_code == 404


# --- the admin import's confirm step ----------------------------------------------------


@pytest.mark.parametrize("name", ["no-such-upload", "../../etc/passwd", "/etc/passwd", ""])
def test_admin_import_confirm_with_an_unknown_file_is_not_a_500(personas, client, name):
    client.force_login(personas.librarian)
    response = client.post(
        "/admin/treaties/libraryclause/process_import/",
        {"import_file_name": name, "original_file_name": "x.json", "format": "0", "resource": ""},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("/admin/treaties/libraryclause/import/")


# --- with DEBUG off, an API 500 is the API's JSON --------------------------------------


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/broken/", broken_view),
    path("broken/", broken_view),
    *entente_urls.urlpatterns,
]
handler500 = "drafting.views.errors.server_error"


@pytest.mark.urls("tests.drafting.test_input_hardening")
def test_api_500_is_json_with_debug_off(settings, db):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/broken/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    page = client.get("/broken/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_api_500_from_a_drf_view_is_json(settings, personas, monkeypatch):
    settings.DEBUG = False
    from drafting.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.draft_selectors, "drafts_visible_to", explode)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(personas.owner)
    response = client.get("/api/v1/drafts/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_token_endpoint_still_works(personas):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "uk.lead", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]
    assert Notification.objects.count() >= 0
