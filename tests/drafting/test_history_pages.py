"""History pages: article history with its time slider, compare, draft history, versions,
draft compare and track changes; who may read them, who may act on them, and what bad input
gives."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.urls import reverse

from drafting.core.revisions import revision_latest
from drafting.models import Article, ChangeDecision, Revision, Version
from drafting.services import versions as version_services
from drafting.services.drafts import article_edit
from tests.drafting.test_pages import markings

ORIGINAL = "The Parties will consult together."
SECOND = "The Parties shall consult together promptly."
THIRD = "The Parties shall consult together promptly and in good faith."
JAPANESE = "締約国は、誠実に協議する。"


def visible(html: str) -> str:
    """The page as a sighted reader sees it: without the screen-reader-only words."""
    return re.sub(r'<span class="visually-hidden"[^>]*>[^<]*</span>', "", html)


@pytest.fixture
def article(draft, personas) -> Article:
    """Article 2, edited twice by two drafters: English revisions 1 (created), 2 and 3,
    Japanese revisions 1 and 2."""
    article = Article.objects.get(draft=draft, heading="Consultation")
    article_edit(actor=personas.uk_drafter, article=article, text_en=SECOND)
    article_edit(actor=personas.jp_drafter, article=article, text_en=THIRD, text_ja=JAPANESE)
    article.refresh_from_db()
    return article


@pytest.fixture
def version(draft, personas, article) -> Version:
    return version_services.version_create(actor=personas.owner, draft=draft, name="Round 1")


def page_urls(draft, article) -> dict[str, str]:
    d, a = draft.pk, article.pk
    return {
        "article-history": reverse("article-history", args=[d, a]),
        "article-history-ja": reverse("article-history", args=[d, a]) + "?language=ja",
        "article-history-at": reverse("article-history", args=[d, a]) + "?at=1",
        "article-compare": reverse("article-compare", args=[d, a]) + "?from=1&to=3",
        "article-compare-side": reverse("article-compare", args=[d, a]) + "?from=1&to=3&mode=side",
        "draft-history": reverse("draft-history", args=[d]),
        "draft-versions": reverse("draft-versions", args=[d]),
        "draft-version": reverse("draft-version", args=[d, 1]),
        "draft-compare": reverse("draft-compare", args=[d]) + "?from=1&to=now",
        "draft-compare-side": reverse("draft-compare", args=[d]) + "?from=1&mode=side",
        "draft-changes": reverse("draft-changes", args=[d]),
        "draft-changes-since": reverse("draft-changes", args=[d]) + "?since=1",
    }


def post_urls(draft, article) -> list[str]:
    d, a = draft.pk, article.pk
    return [
        reverse("revision-restore", args=[d, a, 1]),
        reverse("change-decide", args=[d, a, 2]),
        reverse("changes-decide-all", args=[d, a]),
        reverse("draft-versions", args=[d]),
        reverse("draft-version-restore", args=[d, 1]),
    ]


def state(draft) -> tuple[Any, ...]:
    return (
        list(Article.objects.filter(draft=draft).values_list("pk", "text_en", "text_ja")),
        Revision.objects.filter(article__draft=draft).count(),
        ChangeDecision.objects.filter(revision__article__draft=draft).count(),
        Version.objects.filter(draft=draft).count(),
    )


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "observer", "uk_drafter"])
def test_every_history_page_renders_with_the_marking_top_and_bottom(
    client, personas, draft, article, version, who
):
    client.force_login(getattr(personas, who))
    for name, url in page_urls(draft, article).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found = markings(response.content.decode())
        assert len(found) == 2 and all(m.startswith("OFFICIAL-SENSITIVE") for m in found), (
            name,
            found,
        )
        assert 'class="draft-nav"' in response.content.decode(), name


@pytest.mark.parametrize("who", ["outsider", "consultee"])
def test_non_readers_get_404_from_every_history_page(
    client, personas, draft, article, version, who
):
    client.force_login(getattr(personas, who))
    before = state(draft)
    for name, url in page_urls(draft, article).items():
        response = client.get(url)
        assert response.status_code == 404, (name, response.status_code)
        body = response.content.decode()
        assert draft.title not in body and "consult together" not in body, name
        assert len(markings(body)) == 2
    for url in post_urls(draft, article):
        response = client.post(
            url, {"language": "en", "decision": "rejected", "since": "1", "name": "x"}
        )
        assert response.status_code == 404, (url, response.status_code)
    assert client.get(reverse("draft-version-restore", args=[draft.pk, 1])).status_code == 404
    assert state(draft) == before


def test_article_history_shows_the_timeline_and_the_text_at_a_revision(
    client, personas, draft, article
):
    client.force_login(personas.reviewer)
    url = reverse("article-history", args=[draft.pk, article.pk])
    body = client.get(url).content.decode()
    # Newest first, with who (and their delegation's colour), what and how much.
    assert body.index("Revision 3") < body.index("Revision 2") < body.index("Revision 1")
    assert 'class="author delegation--jp"' in body and 'class="author delegation--uk"' in body
    assert re.search('\\+[0-9]+</span> <span class="chars-removed">\u2212[0-9]+', body)
    # The latest text by default, in a slider from 1 to 3 that works as a plain form.
    assert re.search(r'<label for="history-at">Step through revisions</label>', body)
    assert re.search(r'type="range" id="history-at" name="at" min="1" max="3"[^>]*value="3"', body)
    assert "Show revision" in body
    assert THIRD in body
    assert 'aria-live="polite"' in body
    # A reviewer gets no restore buttons.
    assert "Restore this text" not in body

    older = client.get(url + "?at=1").content.decode()
    view = older[older.index("data-history-view") :]
    assert ORIGINAL in view and THIRD not in view
    assert 'data-announce="Revision 1 of 3 by' in older
    assert 'value="1"' in older


def test_article_history_in_japanese(client, personas, draft, article):
    client.force_login(personas.jp_reviewer)
    body = client.get(
        reverse("article-history", args=[draft.pk, article.pk]) + "?language=ja"
    ).content.decode()
    assert re.search(r'<div class="legal-text[^"]*" lang="ja"><p>' + JAPANESE + "</p>", body)
    assert 'max="2"' in body
    compare = client.get(
        reverse("article-compare", args=[draft.pk, article.pk]) + "?language=ja&from=1&to=2"
    ).content.decode()
    assert 'class="redline" lang="ja"' in compare
    assert "誠実に協議する" in visible(compare)


def test_drafters_get_restore_buttons_but_not_on_the_current_text(client, personas, draft, article):
    client.force_login(personas.jp_drafter)
    body = client.get(reverse("article-history", args=[draft.pk, article.pk])).content.decode()
    assert reverse("revision-restore", args=[draft.pk, article.pk, 1]) in body
    assert reverse("revision-restore", args=[draft.pk, article.pk, 2]) in body
    assert reverse("revision-restore", args=[draft.pk, article.pk, 3]) not in body


def test_inline_redline_marks_deleted_and_inserted_words(client, personas, draft, article):
    client.force_login(personas.reviewer)
    url = reverse("article-compare", args=[draft.pk, article.pk])
    response = client.get(url + "?from=1&to=2")
    assert response.status_code == 200
    body = response.content.decode()
    shown = visible(body)
    assert '<del class="redline__del">will</del>' in shown
    assert '<ins class="redline__ins">shall</ins>' in shown
    assert '<ins class="redline__ins"> promptly</ins>' in shown
    # Screen readers hear what each mark means.
    assert re.search(r"<del[^>]*><span class=\"visually-hidden\"[^>]*>\[deleted: </span>will", body)
    assert re.search(
        r"<ins[^>]*><span class=\"visually-hidden\"[^>]*>\[inserted: </span>shall", body
    )
    # Side by side: the old text keeps its deletions, the new one its insertions.
    side = visible(client.get(url + "?from=1&to=2&mode=side").content.decode())
    old = side[side.index("redline--old") : side.index("redline--new")]
    new = side[side.index("redline--new") :]
    assert "<del" in old and "<ins" not in old and "will" in old
    assert "<ins" in new and "<del" not in new and "shall" in new


def test_compare_defaults_to_the_latest_change(client, personas, draft, article):
    client.force_login(personas.reviewer)
    body = client.get(reverse("article-compare", args=[draft.pk, article.pk])).content.decode()
    assert "Revision 2 → revision 3" in body
    assert '<ins class="redline__ins"> and in good faith</ins>' in visible(body)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("from=1&to=999", 404, "has no revision 999"),
        ("from=abc&to=2", 400, "is not a revision number"),
        ("from=-1&to=2", 400, "is not a revision number"),
        ("from={other}:1&to=2", 400, "Compare works within one article"),
        ("from=1&to=2&language=fr", 400, "Unknown language"),
    ],
)
def test_bad_compare_parameters_show_the_message_with_its_status(
    client, personas, draft, article, query, status, message
):
    other = Article.objects.get(draft=draft, heading="Purposes")
    client.force_login(personas.reviewer)
    url = reverse("article-compare", args=[draft.pk, article.pk])
    response = client.get(f"{url}?{query.format(other=other.pk)}")
    assert response.status_code == status
    body = html_lib.unescape(response.content.decode())
    assert message in body
    assert 'role="alert"' in body
    assert len(markings(body)) == 2


def test_a_revision_that_does_not_exist_in_history_is_a_404_in_the_page(
    client, personas, draft, article
):
    client.force_login(personas.reviewer)
    url = reverse("article-history", args=[draft.pk, article.pk])
    response = client.get(url + "?at=9")
    assert response.status_code == 404
    assert "has no revision 9" in response.content.decode()
    assert client.get(url + "?at=x").status_code == 400
    assert client.get(url + "?at=0").status_code == 400


def test_draft_history_links_each_revision_to_the_article_at_that_revision(
    client, personas, draft, article
):
    for i in range(60):  # alternating authors: no coalescing
        author = personas.jp_drafter if i % 2 else personas.uk_drafter
        article_edit(actor=author, article=article, text_en=f"{THIRD} ({i})")
    client.force_login(personas.observer)
    url = reverse("draft-history", args=[draft.pk])
    first = client.get(url).content.decode()
    assert first.count('class="draft-timeline__row') == 50
    link = reverse("article-history", args=[draft.pk, article.pk]) + "?language=en&amp;at=63"
    assert link in first
    assert "Page 1 of 2" in first
    second = client.get(url + "?page=2").content.decode()
    total = Revision.objects.filter(article__draft=draft).count()
    assert second.count('class="draft-timeline__row') == total - 50


# --- restore ------------------------------------------------------------------------------


def test_drafter_restores_an_old_text_as_a_new_revision(client, personas, draft, article):
    client.force_login(personas.uk_drafter)
    response = client.post(
        reverse("revision-restore", args=[draft.pk, article.pk, 1]), {"language": "en"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("article-history", args=[draft.pk, article.pk]))
    article.refresh_from_db()
    assert article.text_en == ORIGINAL
    latest = revision_latest(article, "en")
    assert (latest.number, latest.kind, latest.restores.number) == (4, "restored", 1)
    assert Revision.objects.filter(article=article, language="en").count() == 4  # none lost
    page = client.get(response["Location"]).content.decode()
    assert "Revision 1 restored as revision 4" in page


def test_restoring_a_revision_that_does_not_exist_says_so(client, personas, draft, article):
    client.force_login(personas.uk_drafter)
    response = client.post(
        reverse("revision-restore", args=[draft.pk, article.pk, 42]), {"language": "en"}
    )
    assert response.status_code == 302
    assert "has no revision 42" in client.get(response["Location"]).content.decode()


# --- versions -----------------------------------------------------------------------------


def test_drafter_names_a_version(client, personas, draft, article):
    client.force_login(personas.jp_drafter)
    url = reverse("draft-versions", args=[draft.pk])
    assert "Name a version" in client.get(url).content.decode()
    response = client.post(url, {"name": "Text for US consultation, round 1", "note": "Sent."})
    assert response.status_code == 302
    version = Version.objects.get(draft=draft)
    assert (version.number, version.name, version.note, version.created_by) == (
        1,
        "Text for US consultation, round 1",
        "Sent.",
        personas.jp_drafter,
    )
    listing = client.get(url).content.decode()
    assert "Text for US consultation, round 1" in listing
    assert reverse("draft-version", args=[draft.pk, 1]) in listing


def test_a_version_needs_a_name_and_the_form_says_so(client, personas, draft):
    client.force_login(personas.uk_drafter)
    response = client.post(
        reverse("draft-versions", args=[draft.pk]), {"name": "  ", "note": "kept"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A version needs a name" in body and ">kept</textarea>" in body
    assert not Version.objects.filter(draft=draft).exists()


def test_version_reads_like_the_treaty_as_it_was(client, personas, draft, article, version):
    article_edit(actor=personas.uk_drafter, article=article, text_en="Changed after round 1.")
    client.force_login(personas.reviewer)
    body = client.get(reverse("draft-version", args=[draft.pk, 1])).content.decode()
    assert "Version 1: Round 1" in body
    assert THIRD in body and "Changed after round 1." not in body
    assert (
        body.index("Preamble")
        < body.index("Article 1 — Purposes")
        < body.index("Article 2 — Consultation")
    )
    assert "第二条" in body and JAPANESE in body
    assert "Restore this version" not in body  # reviewers cannot
    ja = client.get(reverse("draft-version", args=[draft.pk, 1]) + "?lang=ja").content.decode()
    assert JAPANESE in ja and THIRD not in ja


def test_drafter_restores_a_version_after_confirming(client, personas, draft, article, version):
    article_edit(actor=personas.uk_drafter, article=article, text_en="Changed after round 1.")
    client.force_login(personas.uk_drafter)
    assert (
        "Restore this version"
        in client.get(reverse("draft-version", args=[draft.pk, 1])).content.decode()
    )
    url = reverse("draft-version-restore", args=[draft.pk, 1])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Article 2 — Consultation" in confirm.content.decode()
    article.refresh_from_db()
    assert article.text_en == "Changed after round 1."  # asking changed nothing
    response = client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text_en == THIRD
    assert revision_latest(article, "en").kind == "restored"


# --- compare versions ---------------------------------------------------------------------


def test_draft_compare_counts_and_redlines_per_article(client, personas, draft, article, version):
    article_edit(actor=personas.uk_drafter, article=article, text_en=THIRD.replace("shall", "must"))
    client.force_login(personas.reviewer)
    body = client.get(reverse("draft-compare", args=[draft.pk]) + "?from=1&to=now").content.decode()
    assert re.search(r"<strong>1</strong> changed", body)
    assert re.search(r"<strong>0</strong> added", body)
    assert "tag--change-changed" in body
    shown = visible(body)
    assert '<del class="redline__del">shall</del>' in shown
    assert '<ins class="redline__ins">must</ins>' in shown
    # The articles that did not change are folded away.
    assert body.count('<details class="compare-article compare-article--unchanged"') == 3


def test_draft_compare_bad_references(client, personas, draft, version):
    client.force_login(personas.reviewer)
    url = reverse("draft-compare", args=[draft.pk])
    assert client.get(url + "?from=abc").status_code == 400
    response = client.get(url + "?from=7")
    assert response.status_code == 404 and "has no version 7" in response.content.decode()
    response = client.get(url + "?from=")
    assert response.status_code == 400 and "Give from=" in response.content.decode()


def test_draft_compare_without_versions_explains(client, personas, draft):
    client.force_login(personas.reviewer)
    response = client.get(reverse("draft-compare", args=[draft.pk]))
    assert response.status_code == 200
    assert "No version has been named yet" in response.content.decode()


# --- track changes ------------------------------------------------------------------------


def test_track_changes_lists_pending_changes_with_author_and_redline(
    client, personas, draft, article, version
):
    article_edit(actor=personas.jp_drafter, article=article, text_en=THIRD.replace("shall", "must"))
    client.force_login(personas.reviewer)
    url = reverse("draft-changes", args=[draft.pk])
    since = client.get(url + "?since=1").content.decode()
    assert "1</strong> change waiting for a decision since version 1" in since
    assert f'data-testid="change-{article.pk}-en-4"' in since
    assert 'class="author delegation--jp"' in since
    assert '<del class="redline__del">shall</del>' in visible(since)
    assert "Accept all" not in since and 'name="decision"' not in since  # a reviewer
    everything = client.get(url).content.decode()
    assert f'data-testid="change-{article.pk}-en-2"' in everything
    assert client.get(url + "?since=9").status_code == 404
    assert client.get(url + "?since=x").status_code == 400


def test_drafter_accepts_and_rejects_changes(client, personas, draft, article):
    client.force_login(personas.owner)
    decide = reverse("change-decide", args=[draft.pk, article.pk, 3])
    response = client.post(decide, {"language": "en", "decision": "rejected", "reason": "No."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text_en == SECOND
    decision = ChangeDecision.objects.get(revision__article=article, revision__number=3)
    assert (decision.decision, decision.reason, decision.decided_by) == (
        "rejected",
        "No.",
        personas.owner,
    )
    page = client.get(response["Location"]).content.decode()
    assert "revision 3 rejected" in page

    accept = reverse("change-decide", args=[draft.pk, article.pk, 2])
    client.post(accept, {"language": "en", "decision": "accepted"})
    assert ChangeDecision.objects.get(revision__article=article, revision__number=2).decision == (
        "accepted"
    )
    # Deciding again is refused with the service's message, shown on the page.
    response = client.post(accept, {"language": "en", "decision": "rejected"})
    assert response.status_code == 302
    assert "already accepted" in client.get(response["Location"]).content.decode()
    article.refresh_from_db()
    assert article.text_en == SECOND


def test_rejecting_a_change_that_later_changes_overlap_is_refused(client, personas, draft):
    article = Article.objects.get(draft=draft, heading="Purposes")
    article_edit(
        actor=personas.uk_drafter,
        article=article,
        text_en="The Parties shall deepen their alliance.",
    )
    article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en="The Parties shall broaden their alliance.",
    )
    client.force_login(personas.uk_drafter)
    since = reverse("draft-changes", args=[draft.pk]) + "?since="
    response = client.post(
        reverse("change-decide", args=[draft.pk, article.pk, 2]),
        {"language": "en", "decision": "rejected", "next": since},
    )
    assert response.status_code == 302 and response["Location"] == since
    body = client.get(response["Location"]).content.decode()
    assert "cannot be rejected on its own" in body
    article.refresh_from_db()
    assert article.text_en == "The Parties shall broaden their alliance."
    assert not ChangeDecision.objects.filter(revision__article=article).exists()


def test_next_never_leads_away_from_the_site(client, personas, draft, article):
    client.force_login(personas.uk_drafter)
    response = client.post(
        reverse("change-decide", args=[draft.pk, article.pk, 2]),
        {"language": "en", "decision": "accepted", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(reverse("draft-changes", args=[draft.pk]))


def test_drafter_rejects_all_changes_since_the_baseline(client, personas, draft, article):
    client.force_login(personas.uk_drafter)
    response = client.post(
        reverse("changes-decide-all", args=[draft.pk, article.pk]),
        {"language": "en", "since": "1", "decision": "rejected"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text_en == ORIGINAL
    assert (
        ChangeDecision.objects.filter(revision__article=article, decision="rejected").count() == 2
    )
    assert "2 changes rejected" in client.get(response["Location"]).content.decode()
    client.post(
        reverse("changes-decide-all", args=[draft.pk, article.pk]),
        {"language": "ja", "since": "0", "decision": "accepted"},
    )
    accepted = ChangeDecision.objects.filter(revision__article=article, revision__language="ja")
    assert sorted(accepted.values_list("revision__number", "decision")) == [
        (1, "accepted"),
        (2, "accepted"),
    ]
    article.refresh_from_db()
    assert article.text_ja == JAPANESE


@pytest.mark.parametrize("who", ["reviewer", "observer"])
def test_readers_posts_get_403_and_change_nothing(client, personas, draft, article, version, who):
    client.force_login(getattr(personas, who))
    before = state(draft)
    d, a = draft.pk, article.pk
    for url, data in (
        (reverse("revision-restore", args=[d, a, 1]), {"language": "en"}),
        (reverse("change-decide", args=[d, a, 2]), {"language": "en", "decision": "accepted"}),
        (reverse("change-decide", args=[d, a, 3]), {"language": "en", "decision": "rejected"}),
        (
            reverse("changes-decide-all", args=[d, a]),
            {"language": "en", "since": "0", "decision": "rejected"},
        ),
        (reverse("draft-versions", args=[d]), {"name": "Mine"}),
        (reverse("draft-version-restore", args=[d, 1]), {}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, (url, response.status_code)
        assert len(markings(response.content.decode())) == 2
    assert client.get(reverse("draft-version-restore", args=[d, 1])).status_code == 403
    assert state(draft) == before
    listing = client.get(reverse("draft-versions", args=[d])).content.decode()
    assert "Name a version" not in listing


def test_existing_pages_link_to_history(client, personas, draft, article):
    client.force_login(personas.reviewer)
    body = client.get(article.get_absolute_url()).content.decode()
    assert reverse("article-history", args=[draft.pk, article.pk]) in body
    assert reverse("article-compare", args=[draft.pk, article.pk]) in body
    for name in ("draft-history", "draft-versions", "draft-changes"):
        assert reverse(name, args=[draft.pk]) in body
