"""The Japanese interface: complete catalogues, every page in Japanese for a Japanese user,
per-user language and time zone, and bad preferences refused.

The page check reads each page's visible text and its attributes that people read (title,
aria-label, placeholder, alt), and fails on English words that are left over. What is not
interface is left out on principle, not by listing sentences:
- elements with a lang attribute (treaty text in English or Japanese, clause texts, treaty
  names, headings as drafted: the templates mark every such container, and the interface
  itself never carries a lang of its own below <html>) and translate="no" (what people
  wrote: rationales, cover notes, messages);
- names from the database (people, offices, versions): names are never translated;
- a short list of abbreviations and proper names that Japanese pages write in Latin letters
  (UK, US, REL USA, CSV, API, UTC, Markdown, JavaScript, Entente…).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import DateTimeField
from django.utils import timezone

from drafting.models import Article, UserPreference, Version
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import preferences as preference_services
from drafting.services import review as review_services
from drafting.services import versions as version_services
from drafting.services.tokens import token_issue
from tests.i18n_check import english_left_over, labels_and_clocks_left_over, names_from_database
from treaties.models import LibraryClause, Provision, Treaty

LOCALE = Path(__file__).resolve().parents[2] / "drafting" / "locale" / "ja" / "LC_MESSAGES"

# --- the catalogues -------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_japanese_catalogue_is_complete(domain: str) -> None:
    """Every msgid translated, none fuzzy, none obsolete, placeholders kept; and the
    committed .mo is the compiled .po (a fresh clone shows Japanese without gettext)."""
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    assert len(po) > 50
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert not untranslated, f"untranslated in {domain}.po: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {domain}.po: {fuzzy[:10]}"
    assert not obsolete, f"obsolete in {domain}.po: {obsolete[:10]}"
    assert not po.metadata_is_fuzzy
    placeholder = re.compile(r"%\(\w+\)[sdr]")
    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(entry.msgid)), (
                entry.msgid
            )
    mo = polib.mofile(str(LOCALE / f"{domain}.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == source, f"{domain}.mo is stale: run compilemessages -l ja"


# --- a world with something on every page ---------------------------------------------


@pytest.fixture
def world(draft: Any, personas: Any) -> dict[str, Any]:
    owner = personas.owner
    office = consultation_services.office_create(
        actor=owner, draft=draft, name="State EAP", members=["us.state"]
    )
    article = Article.objects.get(draft=draft, heading="Consultation")
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en="The Parties will consult together whenever either so requests.",
        text_ja="締約国は、いずれか一方の要請があるときはいつでも協議する。",
    )
    draft_services.article_set_releasability(actor=owner, article=article, releasability="REL USA")
    version_services.version_create(actor=owner, draft=draft, name="Text for round 1")
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en="The Parties shall consult together."
    )
    round_ = consultation_services.round_open(
        actor=owner,
        draft=draft,
        article_ids=[article.pk],
        office_ids=[office.pk],
        deadline=timezone.now() + timedelta(days=3),
        cover_note="Please review the consultation clause.",
    )
    consultation_services.response_submit(
        actor=personas.consultee,
        round_article=round_.articles.get(),
        position="concern",
        rationale="Consultation should be prompt.",
    )
    review_services.thread_start(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=4,
        end=11,
        body="Should this be binding?",
    )
    preference_services.preference_update(
        actor=personas.jp_drafter, language="ja", time_zone="Asia/Tokyo"
    )
    _everything_at(LONDON_2317)
    return {"draft": draft, "article": article, "round": round_, "office": office}


# 23:17 in London (and UTC) is 08:17 the next day in Tokyo: a page that shows "23:17" to the
# Tokyo reader wrote a time in the wrong zone.
LONDON_2317 = datetime(2026, 11, 30, 23, 17, tzinfo=UTC)


def _everything_at(moment: datetime) -> None:
    """Every recorded time of the world at one moment, so that the pages' times can be
    checked against it; the audit chain is left alone (its hashes cover its times)."""
    for model in apps.get_app_config("drafting").get_models():
        if model.__name__ in ("AuditEvent", "AuditHead"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, DateTimeField):
                model._base_manager.filter(**{f"{field.name}__isnull": False}).update(
                    **{field.name: moment}
                )


def _pages(world: dict[str, Any]) -> list[str]:
    draft, article, round_ = world["draft"], world["article"], world["round"]
    d, a = draft.pk, article.pk
    version = Version.objects.filter(draft=draft).first()
    assert version is not None
    clause = LibraryClause.objects.filter(derived_from__isnull=False).first()
    treaty = Treaty.objects.filter(provisions__isnull=False).first()
    provision = Provision.objects.first()
    assert clause and treaty and provision
    return [
        "/",
        f"/drafts/{d}/",
        f"/drafts/{d}/?lang=en",
        f"/drafts/{d}/?lang=ja",
        f"/drafts/{d}/articles/{a}/",
        f"/drafts/{d}/articles/{a}/coedit/",
        f"/drafts/{d}/articles/{a}/coedit/?language=ja",
        f"/drafts/{d}/articles/{a}/history/",
        f"/drafts/{d}/articles/{a}/history/?language=ja",
        f"/drafts/{d}/articles/{a}/compare/?from=1&to=2",
        f"/drafts/{d}/articles/{a}/compare/?from=1&to=2&mode=side",
        f"/drafts/{d}/articles/new/",
        f"/drafts/{d}/members/",
        f"/drafts/{d}/history/",
        f"/drafts/{d}/versions/",
        f"/drafts/{d}/versions/{version.number}/",
        f"/drafts/{d}/versions/{version.number}/restore/",
        f"/drafts/{d}/compare/?from={version.number}&to=now",
        f"/drafts/{d}/changes/",
        f"/drafts/{d}/consultations/",
        f"/drafts/{d}/consultations/{round_.number}/",
        f"/drafts/{d}/consultations/{round_.number}/report/",
        f"/drafts/{d}/consultations/{round_.number}/disclosures/",
        f"/drafts/{d}/documents/",
        f"/drafts/{d}/negotiation/",
        f"/drafts/{d}/concordance/",
        f"/drafts/{d}/articles/{a}/concordance/",
        f"/drafts/{d}/articles/{a}/precedents/",
        f"/drafts/{d}/profile/",
        "/drafts/new/",
        "/notifications/",
        "/preferences/",
        "/library/",
        f"/library/clauses/{clause.slug}/",
        "/library/treaties/",
        f"/library/treaties/{treaty.slug}/",
        f"/library/provisions/{provision.pk}/",
        "/drafts/999999/",  # the 404 page
    ]


def test_every_page_is_japanese_for_a_japanese_user(client: Any, world: dict[str, Any]) -> None:
    user = world["draft"].memberships.get(user__username="jp.drafter").user
    client.force_login(user)
    names = names_from_database()
    leftovers = {}
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        html = response.content.decode()
        # A panel (concordance, precedents) is a fragment of the article page, with no <html>.
        assert '<html lang="ja">' in html or "<html" not in html, url
        found = english_left_over(html, names)
        found += labels_and_clocks_left_over(html, names, wrong_clock="23:17")
        if found:
            leftovers[url] = found
    assert not leftovers, f"English interface words on Japanese pages: {leftovers}"


def test_the_check_finds_english_left_over() -> None:
    """The checker itself: it reports English outside treaty text, and only there."""
    html = (
        '<p>草案 <span>Save article</span></p><div lang="en">The Parties shall consult.</div>'
        '<p translate="no">Please review.</p><button title="Delete this">削除</button>'
    )
    assert english_left_over(html, set()) == ["Delete", "Save", "article", "this"]


def test_the_check_finds_english_labels_and_foreign_clocks() -> None:
    """English labels where a lang attribute or an aria-label hides them from the word check,
    UTC times (UTC is an allowed word) and a London time shown to a Tokyo reader."""
    html = (
        '<h1><span lang="ja">Article 3</span></h1>'
        '<div data-label="Preamble, Japanese text"></div>'
        "<p>期限 1 Dec 2026 09:00 UTC</p>"
        '<p lang="en">updated 23:17</p>'
        # Allowed: English treaty text and the English half of a bilingual label, Tokyo time,
        # people's words, and names.
        '<div lang="en">Article 3 — Consultation: in accordance with Article 51</div>'
        '<p translate="no">see Article 9 at 23:17 UTC</p><p>2026年12月1日 08:17</p>'
        "<title>TEU Article 42(7) model</title>"
    )
    assert labels_and_clocks_left_over(html, {"TEU Article 42(7) model"}, wrong_clock="23:17") == [
        "09:00 UTC",
        "23:17",
        "Article 3",
        "Preamble",
    ]
    assert labels_and_clocks_left_over("<p>第三条 08:17</p>", set(), wrong_clock="23:17") == []


def test_the_login_page_follows_the_language_switch(client: Any, db: Any) -> None:
    assert "Sign in to Entente" in client.get("/login/").content.decode()
    response = client.post("/preferences/language/", {"language": "ja", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    html = client.get("/login/").content.decode()
    assert "Entente にサインイン" in html and '<html lang="ja">' in html
    assert english_left_over(html, set()) == []


# --- preferences ----------------------------------------------------------------------


def test_a_language_outside_en_ja_is_refused_by_the_api(api: Any, personas: Any) -> None:
    client = api(personas.jp_drafter)
    for body in ({"language": "fr"}, {"language": "ja-JP"}, {"language": "EN"}):
        response = client.patch("/api/v1/me/", body, format="json")
        assert response.status_code == 400, body
        assert "(en)" in response.json()["detail"] and response.json()["fields"]["language"]
    response = client.patch("/api/v1/me/", {"language": ""}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["language"]
    response = client.patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["time_zone"]
    assert not UserPreference.objects.filter(user=personas.jp_drafter).exists()
    response = client.patch(
        "/api/v1/me/", {"language": "ja", "time_zone": "Asia/Tokyo"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "username": "jp.drafter",
        "name": personas.jp_drafter.get_full_name(),
        "language": "ja",
        "time_zone": "Asia/Tokyo",
    }
    assert api(personas.jp_drafter).get("/api/v1/me/").json()["language"] == "ja"
    assert api().get("/api/v1/me/").status_code == 401


def test_a_language_outside_en_ja_is_a_form_error(client: Any, personas: Any) -> None:
    client.force_login(personas.uk_drafter)
    response = client.post("/preferences/", {"language": "de", "time_zone": "Europe/London"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-error"' in html and "English (en) and Japanese (ja)" in html
    response = client.post("/preferences/language/", {"language": "de"})
    assert response.status_code == 400
    response = client.post("/preferences/", {"language": "ja", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    preference = UserPreference.objects.get(user=personas.uk_drafter)
    assert (preference.language, preference.time_zone) == ("ja", "Asia/Tokyo")
    assert "設定を保存しました。" in client.get("/preferences/").content.decode()


def test_the_users_language_wins_over_the_browsers(client: Any, personas: Any, draft: Any) -> None:
    client.force_login(personas.jp_drafter)
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "My drafts" not in english and "担当草案" in english  # the browser asks for ja
    preference_services.preference_update(actor=personas.jp_drafter, language="en")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "My drafts" in html and '<html lang="en-GB">' in html


def test_dates_are_in_the_users_time_zone(client: Any, personas: Any, draft: Any) -> None:
    """The same moment reads 09:00 in Tokyo and 00:00 in London (winter, GMT)."""
    moment = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    type(draft).objects.filter(pk=draft.pk).update(updated_at=moment)
    preference_services.preference_update(
        actor=personas.jp_drafter, language="ja", time_zone="Asia/Tokyo"
    )
    preference_services.preference_update(
        actor=personas.uk_drafter, language="en", time_zone="Europe/London"
    )
    client.force_login(personas.jp_drafter)
    assert "2026年12月1日 09:00" in client.get("/").content.decode()
    client.force_login(personas.uk_drafter)
    assert "1 Dec 2026, 00:00" in client.get("/").content.decode()


def test_the_japanese_demo_personas_start_in_japanese(transactional_db: Any) -> None:
    from drafting.services.demo import demo_seed
    from treaties.services import corpus_load

    corpus_load()
    demo_seed(password="entente-demo")
    by_user = {
        p.user.username: (p.language, p.time_zone)
        for p in UserPreference.objects.select_related("user")
    }
    assert by_user["jp.drafter"] == ("ja", "Asia/Tokyo")
    assert by_user["jp.reviewer"] == ("ja", "Asia/Tokyo")
    assert by_user["uk.lead"] == ("en", "Europe/London")
    assert by_user["us.state"] == ("en", "America/New_York")
    # A persona's own later choice survives seeding again.
    jp = get_user_model().objects.get(username="jp.drafter")
    preference_services.preference_update(actor=jp, language="en")
    demo_seed(password="entente-demo")
    assert UserPreference.objects.get(user=jp).language == "en"


def test_messages_name_articles_in_japanese(client: Any, personas: Any, draft: Any) -> None:
    preference_services.preference_update(actor=personas.jp_drafter, language="ja")
    client.force_login(personas.jp_drafter)
    article = Article.objects.get(draft=draft, heading="Purposes")
    response = client.post(
        f"/drafts/{draft.pk}/articles/{article.pk}/",
        {
            "heading": "Purposes",
            "heading_ja": "目的",
            "text_en": article.text_en,
            "text_ja": "締約国は、同盟を強化する。",
            "number": "",
            "negotiation_status": "open",
            "base_updated_at": article.updated_at.isoformat(),
        },
        follow=True,
    )
    assert "第一条（目的）を保存しました。" in response.content.decode()


def test_a_refusal_names_its_field_problems_in_the_readers_language(
    api: Any, client: Any, personas: Any, draft: Any
) -> None:
    preference_services.preference_update(actor=personas.owner, language="ja")
    owner = api()
    owner.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.owner)}")
    response = owner.post(
        f"/api/v1/drafts/{draft.pk}/members/",
        {"username": "nobody-by-this-name", "role": "observer", "delegation": "JP"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"username": ["該当するユーザーはいません。"]}
    # A page's form shows a service's refusal in the reader's language too.
    client.force_login(personas.owner)
    page = client.post(
        f"/drafts/{draft.pk}/members/",
        {"username": "nobody-by-this-name", "role": "observer", "delegation": "JP"},
    )
    assert page.status_code == 400
    assert "該当するユーザーはいません。" in page.content.decode()
    assert "No such user" not in page.content.decode()
