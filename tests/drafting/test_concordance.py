"""Concordance: the pair of revisions (English n, Japanese m) last confirmed equivalent, and
the state every path that changes text moves it to — the edit form, co-editing, a suggestion
accepted, a change rejected, a restore — through the services, the API and the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from drafting.core.revisions import revision_number_latest
from drafting.errors import ApplicationError, PermissionDeniedError
from drafting.models import Article, AuditEvent, Concordance, Revision
from drafting.selectors.concordance import concordance_in_step, concordance_state
from drafting.services import changes as change_services
from drafting.services import concordance as concordance_services
from drafting.services import drafts as draft_services
from drafting.services import restore as restore_services
from drafting.services import review as review_services
from tests.drafting.test_sync import start

pytestmark = pytest.mark.django_db

EN = "An armed attack against either Party shall be considered an attack against both."
JA = "いずれか一方の締約国に対する武力攻撃は、両締約国に対する攻撃とみなす。"


@pytest.fixture
def article(draft: Any, personas: Any) -> Article:
    article = Article.objects.get(draft=draft, heading="Mutual assistance")
    return draft_services.article_edit(actor=personas.jp_drafter, article=article, text_ja=JA)


def confirm(user: Any, article: Article, **pair: int) -> Concordance:
    return concordance_services.concordance_confirm(actor=user, article=article, revisions=pair)


def state(article: Article) -> str:
    return concordance_state(article).state


def fresh(article: Article) -> Article:
    return Article.objects.select_related("draft").get(pk=article.pk)


# --- the service and the state ------------------------------------------------------------


def test_unconfirmed_until_a_drafter_confirms_the_latest_pair(article, personas) -> None:
    assert state(article) == "unconfirmed"
    assert not concordance_in_step(article)
    concordance = confirm(personas.jp_drafter, article)
    assert (concordance.rev_en, concordance.rev_ja) == (
        revision_number_latest(article, "en"),
        revision_number_latest(article, "ja"),
    )
    status = concordance_state(article)
    assert status.state == "in_step" and concordance_in_step(article)
    assert status.confirmed_by == "jp.drafter"
    assert AuditEvent.objects.filter(
        action="article.concordance.confirm", object_id=str(article.pk)
    ).exists()


def test_form_edits_move_the_state_each_way_and_back(article, personas) -> None:
    confirm(personas.uk_drafter, article)
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN.replace("both", "the two")
    )
    assert state(article) == "en_ahead"
    confirm(personas.uk_drafter, article)
    article = draft_services.article_edit(
        actor=personas.jp_drafter, article=article, text_ja=JA + "（改）"
    )
    assert state(article) == "ja_ahead"
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN + " Promptly."
    )
    assert state(article) == "both_changed"
    assert concordance_state(article).changed == ("en", "ja")
    confirm(personas.jp_drafter, article)
    assert state(article) == "in_step"


def test_confirming_closes_the_open_revision(article, personas) -> None:
    # Form edits by one author within a minute coalesce into one open revision; once the pair
    # is confirmed, the next edit must be a new revision, or the state could not see it.
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN + " A"
    )
    confirm(personas.uk_drafter, article)
    confirmed = Concordance.objects.get(article=article).rev_en
    assert Revision.objects.get(article=article, language="en", number=confirmed).closed_at
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN + " AB"
    )
    assert revision_number_latest(article, "en") == confirmed + 1
    assert state(article) == "en_ahead"


def test_co_editing_sync_moves_the_state(article, personas) -> None:
    confirm(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article, "ja")
    jp.text = jp.text + "速やかに。"
    assert jp.sync() == 200
    assert state(fresh(article)) == "ja_ahead"


def test_suggestion_accepted_moves_the_state(article, personas) -> None:
    confirm(personas.uk_drafter, article)
    start_at = EN.index("considered")
    suggestion = review_services.suggestion_create(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=start_at,
        end=start_at + len("considered"),
        replacement="deemed",
    )
    review_services.suggestion_accept(actor=personas.owner, suggestion=suggestion)
    article = fresh(article)
    assert "deemed" in article.text_en
    assert state(article) == "en_ahead"


def test_change_rejected_moves_the_state_and_back(article, personas) -> None:
    # A change made after the pair was confirmed, then rejected: the text is back to the
    # confirmed wording, so it is in step again.
    confirm(personas.uk_drafter, article)
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN + " Immediately."
    )
    assert state(article) == "en_ahead"
    change = Revision.objects.filter(article=article, language="en").order_by("-number").first()
    change_services.change_reject(actor=personas.owner, revision=change, reason="not agreed")
    assert fresh(article).text_en == EN
    assert state(fresh(article)) == "in_step"
    # A change made before the pair was confirmed, rejected after: the text moves away from
    # the confirmed wording.
    article = draft_services.article_edit(
        actor=personas.jp_drafter, article=fresh(article), text_ja=JA + "（改）"
    )
    change = Revision.objects.filter(article=article, language="ja").order_by("-number").first()
    confirm(personas.uk_drafter, article)
    change_services.change_reject(actor=personas.owner, revision=change, reason="not agreed")
    assert fresh(article).text_ja == JA
    assert state(fresh(article)) == "ja_ahead"


def test_restore_moves_the_state(article, personas) -> None:
    first = revision_number_latest(article, "en")
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN.replace("both", "the two")
    )
    confirm(personas.jp_drafter, article)
    restore_services.revision_restore(
        actor=personas.uk_drafter, article=article, language="en", number=first
    )
    article = fresh(article)
    assert article.text_en == EN
    assert state(article) == "en_ahead"


def test_an_older_pair_can_be_confirmed(article, personas) -> None:
    first = revision_number_latest(article, "en")
    article = draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN + " More."
    )
    confirm(personas.jp_drafter, article, en=first)
    assert state(article) == "en_ahead"


def test_confirm_refusals_write_nothing(article, personas, draft) -> None:
    with pytest.raises(PermissionDeniedError):
        confirm(personas.reviewer, article)
    preamble = Article.objects.get(draft=draft, kind="preamble")  # no Japanese text
    with pytest.raises(ApplicationError) as empty:
        confirm(personas.uk_drafter, preamble)
    assert empty.value.code == "text_missing"
    with pytest.raises(ApplicationError) as missing:
        confirm(personas.uk_drafter, article, en=99)
    assert missing.value.code == "no_such_revision" and missing.value.status == 400
    with pytest.raises(ApplicationError) as bad_language:
        concordance_services.concordance_pair_parse({"fr": 1})
    assert bad_language.value.code == "unknown_language"
    assert not Concordance.objects.exists()


# --- the API -------------------------------------------------------------------------------


def test_api_article_has_its_concordance(api, personas, article) -> None:
    client = api(personas.reviewer)
    body = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert body["concordance"]["state"] == "unconfirmed"
    assert body["concordance"]["confirmed_en"] is None
    listed = client.get(f"/api/v1/drafts/{article.draft_id}/articles/").json()["results"]
    assert {a["id"]: a["concordance"]["state"] for a in listed}[article.pk] == "unconfirmed"

    confirmed = api(personas.jp_drafter).post(
        f"/api/v1/articles/{article.pk}/concordance/confirm/", {}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "in_step"
    body = client.get(f"/api/v1/articles/{article.pk}/").json()["concordance"]
    assert body["state"] == "in_step"
    assert body["confirmed_by"] == "jp.drafter" and body["confirmed_at"]
    assert (body["confirmed_en"], body["confirmed_ja"]) == (body["latest_en"], body["latest_ja"])

    patched = api(personas.uk_drafter).patch(
        f"/api/v1/articles/{article.pk}/", {"text_en": EN + " Forthwith."}, format="json"
    )
    assert patched.json()["concordance"]["state"] == "en_ahead"


def test_api_concordance_gives_the_redline_of_what_changed(api, personas, article) -> None:
    confirm(personas.uk_drafter, article)
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN.replace("both", "the two Parties")
    )
    client = api(personas.jp_reviewer)
    body = client.get(f"/api/v1/articles/{article.pk}/concordance/").json()
    assert body["state"] == "en_ahead"
    assert list(body["redlines"]) == ["en"]
    ops = body["redlines"]["en"]["ops"]
    assert {"op": "insert", "text": "the two Parties"} in ops
    assert {"op": "delete", "text": "both"} in ops
    assert body["redlines"]["en"]["from"] == body["confirmed_en"]
    assert body["redlines"]["en"]["to"] == body["latest_en"]
    only_ja = client.get(f"/api/v1/articles/{article.pk}/concordance/?language=ja").json()
    assert only_ja["redlines"] == {}


def test_api_structure_check(api, personas, article) -> None:
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en="1. First.\n2. Second."
    )
    draft_services.article_edit(actor=personas.jp_drafter, article=article, text_ja="１　第一")
    body = api(personas.reviewer).get(f"/api/v1/articles/{article.pk}/concordance/").json()
    assert body["structure"] == [{"level": "paragraphs", "counts": {"en": 2, "ja": 1}}]


def test_api_draft_concordance(api, personas, article, draft) -> None:
    confirm(personas.uk_drafter, article)
    body = api(personas.observer).get(f"/api/v1/drafts/{draft.pk}/concordance/").json()
    assert body["counts"]["in_step"] == 1
    assert body["counts"]["unconfirmed"] == Article.objects.filter(draft=draft).count() - 1
    row = next(a for a in body["articles"] if a["article"] == article.pk)
    assert row["state"] == "in_step" and row["structure"] == []
    assert [a["position"] for a in body["articles"]] == sorted(
        a["position"] for a in body["articles"]
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"fr": 1}, "unknown_language"),
        ({"en": "three"}, "invalid"),
        ({"en": 0}, "invalid"),
        ({"en": 99}, "no_such_revision"),
        (["en"], "invalid"),
    ],
)
def test_api_confirm_bad_input_is_400(api, personas, article, body, code) -> None:
    response = api(personas.uk_drafter).post(
        f"/api/v1/articles/{article.pk}/concordance/confirm/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not Concordance.objects.exists()


def test_api_unknown_language_is_400(api, personas, article) -> None:
    response = api(personas.reviewer).get(f"/api/v1/articles/{article.pk}/concordance/?language=fr")
    assert response.status_code == 400
    assert "language" in response.json()["fields"]


def test_api_access(api, personas, article, draft) -> None:
    urls = [
        f"/api/v1/articles/{article.pk}/concordance/",
        f"/api/v1/drafts/{draft.pk}/concordance/",
    ]
    confirm_url = f"/api/v1/articles/{article.pk}/concordance/confirm/"
    for user in (personas.outsider, personas.consultee):
        for url in urls:
            assert api(user).get(url).status_code == 404, (user, url)
        assert api(user).post(confirm_url, {}, format="json").status_code == 404
    for url in urls:
        assert api().get(url).status_code == 401
    for user in (personas.reviewer, personas.observer):
        assert api(user).post(confirm_url, {}, format="json").status_code == 403
    assert not Concordance.objects.exists()


# --- the pages -----------------------------------------------------------------------------


def page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert 'data-testid="marking-top"' in html and 'data-testid="marking-bottom"' in html
    return html


def test_pages_show_the_state_and_the_redline(personas, article, draft) -> None:
    confirm(personas.uk_drafter, article)
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=EN.replace("both", "the two")
    )
    html = page(personas.jp_drafter, f"/drafts/{draft.pk}/")
    assert 'data-state="en_ahead"' in html
    assert (
        html.count('data-testid="concordance-badge"') == Article.objects.filter(draft=draft).count()
    )

    html = page(personas.jp_drafter, article.get_absolute_url())
    assert 'data-testid="concordance-redline-en"' in html
    # The screen-reader markers around an insertion are in the reader's language.
    assert "the two</ins>" in re.sub(r'<span class="visually-hidden"[^>]*>[^<]*</span>', "", html)
    assert 'data-testid="concordance-confirm"' in html

    html = page(personas.reviewer, article.get_absolute_url())
    assert 'data-testid="concordance-redline-en"' in html
    assert 'data-testid="concordance-confirm"' not in html

    html = page(
        personas.jp_drafter, f"/drafts/{draft.pk}/articles/{article.pk}/coedit/?language=ja"
    )
    assert 'data-testid="concordance-redline-en"' in html

    html = page(personas.observer, f"/drafts/{draft.pk}/concordance/")
    assert f'id="concordance-{article.pk}" data-state="en_ahead"' in html


def test_confirm_from_the_page(personas, article, draft) -> None:
    client = Client()
    client.force_login(personas.jp_drafter)
    en, ja = revision_number_latest(article, "en"), revision_number_latest(article, "ja")
    url = f"/drafts/{draft.pk}/articles/{article.pk}/concordance/confirm/"
    response = client.post(url, {"en": en, "ja": ja, "next": f"/drafts/{draft.pk}/concordance/"})
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/concordance/"
    assert state(article) == "in_step"
    # An outside "next" is not followed.
    response = client.post(url, {"en": en, "ja": ja, "next": "https://evil.example/"})
    assert response["Location"] == article.get_absolute_url() + "#concordance"

    reviewer = Client()
    reviewer.force_login(personas.reviewer)
    assert reviewer.post(url, {"en": en, "ja": ja}).status_code == 403
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert outsider.post(url, {"en": en, "ja": ja}).status_code == 404
    assert Client().post(url, {"en": en, "ja": ja}).status_code == 302  # to the login page


def test_co_editor_reloads_the_panel(personas, article, draft) -> None:
    url = f"/drafts/{draft.pk}/articles/{article.pk}/concordance/?language=ja"
    coedit = page(
        personas.jp_drafter, f"/drafts/{draft.pk}/articles/{article.pk}/coedit/?language=ja"
    )
    assert f'hx-get="{url}"' in coedit.replace("&amp;", "&")
    client = Client()
    client.force_login(personas.jp_drafter)
    confirm(personas.uk_drafter, article)
    assert 'data-state="in_step"' in client.get(url).content.decode()
    draft_services.article_edit(actor=personas.uk_drafter, article=article, text_en=EN + " Now.")
    html = client.get(url).content.decode()
    assert 'data-state="en_ahead"' in html
    assert 'data-testid="concordance-redline-en"' in html
    # Confirming from the reloaded panel comes back to the co-editor, not to the panel.
    assert (
        f'name="next" value="/drafts/{draft.pk}/articles/{article.pk}/coedit/?language=ja"' in html
    )
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert outsider.get(url).status_code == 404
