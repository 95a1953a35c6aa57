"""The negotiation on the real database: brackets that follow the text, resolving them,
sign-off per delegation, the status machine and its log, the board, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import textdiff
from drafting.core.revisions import revision_number_latest
from drafting.errors import ApplicationError, ConflictError, PermissionDeniedError
from drafting.models import (
    Article,
    ArticleStatusChange,
    AuditEvent,
    Bracket,
    BracketEvent,
    Membership,
    Revision,
    SignOff,
)
from drafting.selectors import negotiation as negotiation_selectors
from drafting.services import concordance as concordance_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation
from drafting.services import sync as sync_services
from drafting.textdiff import utf16_len, utf16_slice


def signoff_in_step(*, actor: Any, article: Article, **pair: Any) -> Any:
    """Sign off as ``actor`` after the owner confirmed the two texts in step (an article is
    agreed only with its texts in step, issue 11's concordance)."""
    owner = Membership.objects.get(draft=article.draft, role="owner").user
    concordance_services.concordance_confirm(actor=owner, article=article)
    return negotiation.article_signoff(actor=actor, article=article, **pair)


def span(text: str, word: str) -> tuple[int, int]:
    start = utf16_len(text[: text.index(word)])
    return start, start + utf16_len(word)


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Mutual assistance")


def revisions(article: Article) -> dict[str, int]:
    return {
        "revision_en": revision_number_latest(article, "en"),
        "revision_ja": revision_number_latest(article, "ja"),
    }


def sign_both(article: Article, personas) -> None:
    for user in (personas.uk_drafter, personas.jp_drafter):
        signoff_in_step(actor=user, article=article, **revisions(article))


# --- brackets --------------------------------------------------------------------------------


def test_bracket_with_two_options_resolved_with_one_as_a_revision(article, personas):
    start, end = span(article.text_en, "shall be considered")
    bracket = negotiation.bracket_create(
        actor=personas.uk_drafter,
        article=article,
        language="en",
        start=start,
        end=end,
        options=[
            {"text": "may be considered", "delegations": ["UK"], "note": "softer"},
            {"text": "shall be deemed", "delegations": ["JP"]},
        ],
        note="UK cannot accept an automatic obligation",
    )
    assert bracket.delegation == "UK" and bracket.quote == "shall be considered"
    assert [o.label for o in bracket.options.all()] == ["Option A", "Option B"]
    segments = negotiation_selectors.article_segments(personas.reviewer, article, "en")
    assert negotiation_selectors.segments_plain(segments) == (
        "An armed attack against either Party [UK: shall be considered / Option A (UK): may be "
        "considered / Option B (JP): shall be deemed] an attack against both."
    )
    negotiation.bracket_resolve(
        actor=personas.jp_drafter, bracket=bracket, resolution="option", option="B", reason="ok"
    )
    article.refresh_from_db()
    assert (
        article.text_en
        == "An armed attack against either Party shall be deemed an attack against both."
    )
    revision = Revision.objects.filter(article=article, language="en").order_by("-number").first()
    assert revision.kind == "bracket_resolved" and revision.author == personas.jp_drafter
    assert "jp.drafter" in revision.message and "Option B (proposed by JP)" in revision.message
    bracket.refresh_from_db()
    assert (bracket.status, bracket.resolution, bracket.resolved_by) == (
        "resolved",
        "option",
        personas.jp_drafter,
    )
    assert (
        utf16_slice(article.text_en, bracket.anchor_start, bracket.anchor_end) == "shall be deemed"
    )
    event = BracketEvent.objects.filter(bracket=bracket, action="resolved").get()
    assert event.revision_number == revision.number and event.reason == "ok"
    # Reopened, it stands on the words it was resolved into.
    negotiation.bracket_reopen(actor=personas.uk_drafter, bracket=bracket, reason="second thoughts")
    bracket.refresh_from_db()
    assert bracket.status == "open"
    assert [e.action for e in bracket.events.all()] == ["created", "resolved", "reopened"]


def test_keep_and_delete(article, personas):
    text = article.text_en
    keep = negotiation.bracket_create(
        actor=personas.jp_drafter, article=article, language="en", start=0, end=2
    )
    start, end = span(text, " against both")
    delete = negotiation.bracket_create(
        actor=personas.jp_drafter, article=article, language="en", start=start, end=end
    )
    assert keep.delegation == "JP"
    negotiation.bracket_resolve(actor=personas.uk_drafter, bracket=keep, resolution="keep")
    article.refresh_from_db()
    assert article.text_en == text
    negotiation.bracket_resolve(actor=personas.uk_drafter, bracket=delete, resolution="delete")
    article.refresh_from_db()
    assert article.text_en == text.replace(" against both", "")
    delete.refresh_from_db()
    assert delete.detached and delete.resolution == "delete"


def test_bracket_whose_words_are_deleted_is_kept_detached(article, personas):
    start, end = span(article.text_en, "either Party")
    bracket = negotiation.bracket_create(
        actor=personas.uk_drafter, article=article, language="en", start=start, end=end
    )
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en=article.text_en.replace("either Party ", ""),
    )
    bracket.refresh_from_db()
    assert bracket.detached and bracket.status == "open" and bracket.quote == "either Party"
    listed = negotiation_selectors.brackets_of(personas.reviewer, article)
    assert [b.pk for b in listed] == [bracket.pk]
    # Detached, it can only be closed (nothing to replace), and it still holds agreement.
    with pytest.raises(ConflictError):
        negotiation.bracket_resolve(actor=personas.uk_drafter, bracket=bracket, resolution="delete")
    with pytest.raises(ConflictError, match="bracket"):
        signoff_in_step(actor=personas.uk_drafter, article=article, **revisions(article))
    negotiation.bracket_resolve(actor=personas.uk_drafter, bracket=bracket, resolution="keep")


WORD = st.text(
    alphabet=st.sampled_from(list("abcxyz") + list("締約国") + ["𠮟", "😀"]), min_size=1, max_size=5
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.lists(WORD, min_size=6, max_size=12),
    language=st.sampled_from(["en", "ja"]),
    data=st.data(),
)
def test_brackets_stay_on_their_words_under_edits_elsewhere(draft, personas, words, language, data):
    target = data.draw(st.integers(1, len(words) - 2))
    words[target] = "締約国😀𠮟 target"
    separator = " " if language == "en" else "　"
    text = separator.join(words)
    art = draft_services.article_create(
        actor=personas.owner, draft=draft, heading="p", **{f"text_{language}": text}
    )
    start, end = span(text, words[target])
    bracket = negotiation.bracket_create(
        actor=personas.uk_drafter, article=art, language=language, start=start, end=end
    )
    for _ in range(data.draw(st.integers(1, 4))):
        current = Article.objects.get(pk=art.pk).text(language)
        parts = current.split(separator)
        index = data.draw(st.integers(0, len(parts) - 1))
        if words[target].split(" ")[0] in parts[index] or parts[index] == "target":
            continue
        parts[index] = data.draw(
            st.sampled_from(["", "new", "締約国は", "😀😀", parts[index] + "𠮟"])
        )
        draft_services.article_edit(
            actor=personas.jp_drafter, article=art, **{f"text_{language}": separator.join(parts)}
        )
        bracket.refresh_from_db()
        now = Article.objects.get(pk=art.pk).text(language)
        assert not bracket.detached
        assert utf16_slice(now, bracket.anchor_start, bracket.anchor_end) == words[target]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.text(alphabet=st.sampled_from([*list("ab 締約国"), "𠮟", "😀"]), max_size=8),
    inside=st.text(alphabet=st.sampled_from([*list("xy締"), "𠮟", "😀"]), min_size=1, max_size=6),
    after=st.text(alphabet=st.sampled_from([*list("ab 国"), "𠮟", "😀"]), max_size=8),
    options=st.lists(
        st.text(
            alphabet=st.sampled_from([*list("pq 約"), "𠮟", "😀"]), min_size=1, max_size=6
        ).filter(str.strip),
        min_size=1,
        max_size=3,
    ),
    language=st.sampled_from(["en", "ja"]),
    data=st.data(),
)
def test_resolving_with_an_option_yields_exactly_the_expected_text(
    draft, personas, before, inside, after, options, language, data
):
    art = draft_services.article_create(
        actor=personas.owner,
        draft=draft,
        heading="p",
        **{f"text_{language}": before + inside + after},
    )
    start = utf16_len(before)
    bracket = negotiation.bracket_create(
        actor=personas.uk_drafter,
        article=art,
        language=language,
        start=start,
        end=start + utf16_len(inside),
        options=[{"text": o, "delegations": ["JP"]} for o in options],
    )
    chosen = data.draw(st.integers(0, len(options) - 1))
    negotiation.bracket_resolve(
        actor=personas.jp_drafter, bracket=bracket, resolution="option", option=chr(65 + chosen)
    )
    assert Article.objects.get(pk=art.pk).text(language) == before + options[chosen] + after


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"start": 5, "end": 500}, "anchor_outside_text"),
        ({"start": 3, "end": 3}, "anchor_outside_text"),
        ({"start": 0, "end": 2, "options": [{"text": "  "}]}, "option_empty"),
        ({"start": 0, "end": 2, "options": [{"text": "x", "delegations": ["US"]}]}, "invalid"),
        ({"start": 0, "end": 2, "delegation": "US"}, "invalid"),
        ({"start": 0, "end": 2, "options": "nope"}, "invalid"),
        ({"start": "0", "end": 2}, "invalid"),
    ],
)
def test_bad_brackets_are_refused_and_nothing_is_written(article, personas, kwargs, code):
    with pytest.raises(ApplicationError) as exc:
        negotiation.bracket_create(
            actor=personas.uk_drafter, article=article, language="en", **kwargs
        )
    assert exc.value.status == 400 and exc.value.code == code
    assert not Bracket.objects.exists()


def test_partial_overlap_and_surrogate_pair_are_refused_nesting_is_not(draft, personas):
    art = draft_services.article_create(
        actor=personas.owner, draft=draft, heading="p", text_ja="締約国は😀𠮟を叱る"
    )
    # UTF-16: 締0 約1 国2 は3 😀4-5 𠮟6-7 を8 叱9 る10
    negotiation.bracket_create(
        actor=personas.uk_drafter, article=art, language="ja", start=0, end=6
    )
    with pytest.raises(ApplicationError) as exc:
        negotiation.bracket_create(
            actor=personas.jp_drafter, article=art, language="ja", start=3, end=8
        )
    assert exc.value.code == "bracket_overlap"
    with pytest.raises(ApplicationError) as exc:
        negotiation.bracket_create(
            actor=personas.jp_drafter, article=art, language="ja", start=0, end=5
        )
    assert exc.value.code == "anchor_splits_character"
    inner = negotiation.bracket_create(
        actor=personas.jp_drafter, article=art, language="ja", start=1, end=3
    )
    outer = negotiation.bracket_create(
        actor=personas.jp_drafter, article=art, language="ja", start=0, end=9
    )
    assert Bracket.objects.count() == 3 and inner.pk and outer.pk
    segments = negotiation_selectors.article_segments(personas.reviewer, art, "ja")
    assert negotiation_selectors.segments_plain(segments) == "[JP: [UK: 締[JP: 約国]は😀]𠮟を]叱る"


def test_choosing_an_option_that_does_not_exist(article, personas):
    bracket = negotiation.bracket_create(
        actor=personas.uk_drafter,
        article=article,
        language="en",
        start=0,
        end=2,
        options=[{"text": "A"}],
    )
    for option in ("C", "", None, 999999, True):
        with pytest.raises(ApplicationError) as exc:
            negotiation.bracket_resolve(
                actor=personas.jp_drafter, bracket=bracket, resolution="option", option=option
            )
        assert exc.value.status == 400
    with pytest.raises(ApplicationError):
        negotiation.bracket_resolve(actor=personas.jp_drafter, bracket=bracket, resolution="maybe")
    bracket.refresh_from_db()
    assert bracket.status == "open"
    assert Article.objects.get(pk=article.pk).text_en == article.text_en


# --- sign-off and status ----------------------------------------------------------------------


def test_both_signoffs_on_the_same_pair_agree_the_article_and_log_it(article, personas):
    signoff_in_step(actor=personas.uk_drafter, article=article, **revisions(article))
    article.refresh_from_db()
    assert article.negotiation_status == "open"
    signoff_in_step(actor=personas.jp_drafter, article=article, **revisions(article))
    article.refresh_from_db()
    assert article.negotiation_status == "agreed_ad_ref"
    change = ArticleStatusChange.objects.get(article=article)
    assert (change.from_status, change.to_status, change.actor) == (
        "open",
        "agreed_ad_ref",
        personas.jp_drafter,
    )
    assert "English revision" in change.note
    assert AuditEvent.objects.filter(action="article.status").exists()
    negotiation.article_initial(actor=personas.owner, article=article, note="initialled in Tokyo")
    article.refresh_from_db()
    assert article.negotiation_status == "initialled"
    with pytest.raises(ApplicationError) as exc:
        negotiation.article_reopen(actor=personas.jp_drafter, article=article, reason="  ")
    assert exc.value.status == 400
    negotiation.article_reopen(actor=personas.jp_drafter, article=article, reason="legal review")
    article.refresh_from_db()
    assert article.negotiation_status == "open"
    assert not SignOff.objects.filter(article=article, withdrawn_at__isnull=True).exists()
    assert list(
        ArticleStatusChange.objects.filter(article=article)
        .order_by("at", "pk")
        .values_list("to_status", "actor__username", "note")
    )[1:] == [
        ("initialled", "uk.lead", "initialled in Tokyo"),
        ("open", "jp.drafter", "legal review"),
    ]


def test_a_text_change_after_a_signoff_withdraws_it_visibly(article, personas):
    signoff_in_step(actor=personas.uk_drafter, article=article, **revisions(article))
    draft_services.article_edit(
        actor=personas.jp_drafter, article=article, text_ja="締約国は、常に"
    )
    signoff = SignOff.objects.get(article=article, delegation="UK")
    assert signoff.withdrawn_at is not None
    assert (
        "Japanese text changed" in signoff.withdrawn_reason
        and "jp.drafter" in signoff.withdrawn_reason
    )
    board = negotiation_selectors.negotiation_board(personas.reviewer, article.draft)
    row = next(r for r in board.rows if r.article.pk == article.pk)
    uk = row.signoffs["UK"]
    assert uk is not None and uk.standing is False
    assert "Japanese text changed" in uk.withdrawn_reason


def test_signoffs_on_different_pairs_or_stale_reads_do_not_agree(article, personas):
    old = revisions(article)
    draft_services.article_edit(actor=personas.jp_drafter, article=article, text_en="Changed.")
    with pytest.raises(ConflictError) as exc:
        signoff_in_step(actor=personas.uk_drafter, article=article, **old)
    assert exc.value.code == "signoff_stale"
    assert not SignOff.objects.exists()


def test_reservation_and_reopen(article, personas):
    signoff_in_step(actor=personas.uk_drafter, article=article, **revisions(article))
    with pytest.raises(ApplicationError):
        negotiation.article_reserve(actor=personas.uk_drafter, article=article, note="")
    negotiation.article_reserve(actor=personas.uk_drafter, article=article, note="pending cabinet")
    article.refresh_from_db()
    assert article.negotiation_status == "reserved"
    assert SignOff.objects.get(article=article).withdrawn_at is not None
    with pytest.raises(ConflictError):
        signoff_in_step(actor=personas.jp_drafter, article=article, **revisions(article))
    # A reserved article is not agreed: its text may still change.
    draft_services.article_edit(actor=personas.jp_drafter, article=article, text_en="Still open.")
    negotiation.article_reopen(actor=personas.uk_drafter, article=article, reason="cleared")
    article.refresh_from_db()
    assert article.negotiation_status == "open"


def test_negotiation_status_is_read_only(article, personas, api):
    with pytest.raises(ApplicationError) as exc:
        draft_services.article_edit(
            actor=personas.uk_drafter, article=article, negotiation_status="agreed_ad_ref"
        )
    assert exc.value.code == "negotiation_status_read_only"
    response = api(personas.uk_drafter).patch(
        f"/api/v1/articles/{article.pk}/", {"negotiation_status": "initialled"}, format="json"
    )
    assert response.status_code == 409
    # The same value back is no change.
    response = api(personas.uk_drafter).patch(
        f"/api/v1/articles/{article.pk}/",
        {"negotiation_status": "open", "heading": "Mutual defence"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["negotiation_status"] == "open"


# --- who may --------------------------------------------------------------------------------


def test_who_may_sign_off(article, personas, draft):
    pair = revisions(article)
    for user in (
        personas.reviewer,
        personas.jp_reviewer,
        personas.observer,
        personas.consultee,
        personas.outsider,
    ):
        with pytest.raises(PermissionDeniedError):
            signoff_in_step(actor=user, article=article, **pair)
    with pytest.raises(PermissionDeniedError, match="own delegation"):
        signoff_in_step(actor=personas.uk_drafter, article=article, delegation="JP", **pair)
    assert not SignOff.objects.exists()
    # The owner names the UK leads: then only they sign for the UK.
    with pytest.raises(PermissionDeniedError):
        negotiation.delegation_leads_set(
            actor=personas.uk_drafter, draft=draft, delegation="UK", usernames=["uk.drafter"]
        )
    with pytest.raises(ApplicationError):
        negotiation.delegation_leads_set(
            actor=personas.owner, draft=draft, delegation="UK", usernames=["jp.drafter"]
        )
    negotiation.delegation_leads_set(
        actor=personas.owner, draft=draft, delegation="UK", usernames=["uk.lead"]
    )
    fresh = Article.objects.select_related("draft").get(pk=article.pk)
    with pytest.raises(PermissionDeniedError):
        signoff_in_step(actor=personas.uk_drafter, article=fresh, **pair)
    signoff_in_step(actor=personas.owner, article=fresh, **pair)
    # The JP delegation has no named lead: its drafters sign.
    signoff_in_step(actor=personas.jp_drafter, article=fresh, **pair)


def test_who_may_bracket(article, personas):
    for user in (personas.reviewer, personas.observer, personas.consultee, personas.outsider):
        with pytest.raises(PermissionDeniedError):
            negotiation.bracket_create(actor=user, article=article, language="en", start=0, end=2)
    assert not Bracket.objects.exists()


def test_api_who_may(article, personas, api):
    url = f"/api/v1/articles/{article.pk}/brackets/"
    body = {"language": "en", "anchor_start": 0, "anchor_end": 2}
    assert api(personas.reviewer).post(url, body, format="json").status_code == 403
    assert api(personas.consultee).post(url, body, format="json").status_code == 404
    assert api(personas.outsider).post(url, body, format="json").status_code == 404
    assert api().post(url, body, format="json").status_code in (401, 403)
    created = api(personas.uk_drafter).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    bracket_id = created.json()["id"]
    assert api(personas.reviewer).get(url).json()["results"][0]["id"] == bracket_id
    assert api(personas.consultee).get(url).status_code == 404
    assert api(personas.consultee).get(f"/api/v1/brackets/{bracket_id}/").status_code == 404
    assert (
        api(personas.reviewer)
        .post(f"/api/v1/brackets/{bracket_id}/resolve/", {"resolution": "keep"}, format="json")
        .status_code
        == 403
    )
    signoff = f"/api/v1/articles/{article.pk}/signoff/"
    pair = revisions(article)
    assert api(personas.reviewer).post(signoff, pair, format="json").status_code == 403
    assert (
        api(personas.uk_drafter)
        .post(signoff, {**pair, "delegation": "JP"}, format="json")
        .status_code
        == 403
    )
    assert api(personas.consultee).post(signoff, pair, format="json").status_code == 404
    assert (
        api(personas.uk_drafter).post(signoff, pair, format="json").json()["code"]
        == "brackets_open"
    )
    assert not SignOff.objects.exists()


def test_api_round_trip_and_board(article, personas, api, draft):
    uk, jp = api(personas.uk_drafter), api(personas.jp_drafter)
    start, end = span(article.text_en, "shall be considered")
    created = uk.post(
        f"/api/v1/articles/{article.pk}/brackets/",
        {
            "language": "en",
            "anchor_start": start,
            "anchor_end": end,
            "delegation": "UK",
            "options": [
                {"text": "may be considered", "delegations": ["UK"], "note": ""},
                {"text": "shall be deemed", "delegations": ["JP"]},
            ],
            "note": "hold",
        },
        format="json",
    ).json()
    assert [o["label"] for o in created["options"]] == ["Option A", "Option B"]
    board = uk.get(f"/api/v1/drafts/{draft.pk}/negotiation/").json()
    assert (
        board["summary"]
        == "4 articles: 0 agreed ad ref, 4 open with 1 bracket (UK 1, JP 0), 0 reserved"
    )
    row = next(r for r in board["articles"] if r["article"] == article.pk)
    assert row["open_brackets"] == {"JP": 0, "UK": 1} and row["options_pending"] == 2
    assert [
        r["article"]
        for r in uk.get(f"/api/v1/drafts/{draft.pk}/negotiation/?bracketed_by=UK").json()[
            "articles"
        ]
    ] == [article.pk]
    assert uk.get(f"/api/v1/drafts/{draft.pk}/negotiation/?status=nonsense").status_code == 400
    segments = uk.get(f"/api/v1/articles/{article.pk}/segments/?language=en").json()
    assert "[UK: shall be considered / Option A (UK)" in segments["text"]
    assert segments["segments"][1]["kind"] == "bracket"
    bad = jp.post(
        f"/api/v1/brackets/{created['id']}/resolve/",
        {"resolution": "option", "option": "Z"},
        format="json",
    )
    assert bad.status_code == 400 and "no option" in bad.json()["detail"]
    resolved = jp.post(
        f"/api/v1/brackets/{created['id']}/resolve/",
        {"resolution": "option", "option": "B", "reason": "agreed at the table"},
        format="json",
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    article.refresh_from_db()
    pair = revisions(article)
    # The resolution changed the English text: the translator confirms the texts in step again.
    confirmed = uk.post(f"/api/v1/articles/{article.pk}/concordance/confirm/", {}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    assert (
        uk.post(f"/api/v1/articles/{article.pk}/signoff/", pair, format="json").json()["status"]
        == "open"
    )
    assert (
        jp.post(f"/api/v1/articles/{article.pk}/signoff/", pair, format="json").json()["status"]
        == "agreed_ad_ref"
    )
    board = uk.get(f"/api/v1/drafts/{draft.pk}/negotiation/").json()
    assert board["counts"]["agreed_ad_ref"] == 1
    assert board["summary"].startswith("4 articles: 1 agreed ad ref, 3 open with 0 brackets")
    refused = uk.patch(f"/api/v1/articles/{article.pk}/", {"text_en": "x"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "article_agreed"
    assert "agreed ad referendum" in refused.json()["detail"]
    assert uk.post(f"/api/v1/articles/{article.pk}/reopen/", {}, format="json").status_code == 400
    reopened = uk.post(
        f"/api/v1/articles/{article.pk}/reopen/", {"reason": "ministerial"}, format="json"
    )
    assert reopened.json()["to"] == "open" and reopened.json()["note"] == "ministerial"
    reserved = jp.post(
        f"/api/v1/articles/{article.pk}/reservation/", {"note": "Diet"}, format="json"
    )
    assert reserved.status_code == 200 and reserved.json()["delegation"] == "JP"
    row = next(
        r
        for r in uk.get(f"/api/v1/drafts/{draft.pk}/negotiation/").json()["articles"]
        if r["article"] == article.pk
    )
    assert row["reservation"]["note"] == "Diet" and row["status"] == "reserved"


def test_brackets_follow_co_editing(article, personas):
    start, end = span(article.text_en, "either Party")
    bracket = negotiation.bracket_create(
        actor=personas.jp_drafter, article=article, language="en", start=start, end=end
    )
    session = sync_services.session_start(actor=personas.uk_drafter, article=article, language="en")
    new = "Indeed, 😀 " + session["text"]
    result = sync_services.sync(
        actor=personas.uk_drafter,
        article_id=article.pk,
        session_key=session["session"],
        payload={
            "seq": 1,
            "server_version": 0,
            "edits": [{"client_version": 0, "delta": textdiff.make_delta(session["text"], new)}],
        },
    )
    assert result.status == 200
    bracket.refresh_from_db()
    now = Article.objects.get(pk=article.pk).text_en
    assert now == new
    assert utf16_slice(now, bracket.anchor_start, bracket.anchor_end) == "either Party"
