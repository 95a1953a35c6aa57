"""Review on the real database: anchored threads that follow the text, visibility,
suggestions, notifications, and bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.errors import ApplicationError, ConflictError, PermissionDeniedError
from drafting.models import Article, Comment, Notification, Suggestion, Thread
from drafting.services import drafts as draft_services
from drafting.services import review
from drafting.textdiff import utf16_len


def span(text: str, word: str) -> tuple[int, int]:
    start = utf16_len(text[: text.index(word)])
    return start, start + utf16_len(word)


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Mutual assistance")


def test_thread_start_and_anchor_follows_edits(article, personas):
    text = article.text_en
    start, end = span(text, "armed attack")
    thread = review.thread_start(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=start,
        end=end,
        body="Is **armed attack** defined?",
    )
    assert thread.quote == "armed attack" and thread.delegation == "UK"
    assert (
        Comment.objects.get(thread=thread).body_html
        == "<p>Is <strong>armed attack</strong> defined?</p>"
    )
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en="Indeed, 𠮟 " + text.replace("either Party", "one Party"),
    )
    thread.refresh_from_db()
    new_text = Article.objects.get(pk=article.pk).text_en
    assert (thread.anchor_start, thread.anchor_end) == span(new_text, "armed attack")
    assert not thread.detached
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en=new_text.replace("An armed attack against", "Any aggression against"),
    )
    thread.refresh_from_db()
    assert thread.detached and thread.quote == "armed attack"


WORD = st.text(
    alphabet=st.sampled_from(list("abcxyz") + list("締約国") + ["𠮟", "😀"]), min_size=1, max_size=5
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(words=st.lists(WORD, min_size=6, max_size=12), data=st.data())
def test_anchors_stay_on_the_same_words_under_edits_elsewhere(draft, personas, words, data):
    target = data.draw(st.integers(1, len(words) - 2))
    words[target] = "[target]"
    text = " ".join(words)
    art = draft_services.article_create(
        actor=personas.owner, draft=draft, heading="p", text_en=text
    )
    start, end = span(text, "[target]")
    thread = review.thread_start(
        actor=personas.reviewer, article=art, language="en", start=start, end=end, body="x"
    )
    for _ in range(data.draw(st.integers(1, 4))):
        current = Article.objects.get(pk=art.pk).text_en
        parts = current.split(" ")
        index = data.draw(st.integers(0, len(parts) - 1))
        if parts[index] == "[target]":
            continue
        parts[index] = data.draw(
            st.sampled_from(["", "new", "締約国は", "😀😀", parts[index] + "s"])
        )
        draft_services.article_edit(actor=personas.uk_drafter, article=art, text_en=" ".join(parts))
        thread.refresh_from_db()
        now = Article.objects.get(pk=art.pk).text_en
        assert not thread.detached
        assert (thread.anchor_start, thread.anchor_end) == span(now, "[target]")


def test_delegation_only_thread_is_invisible_to_the_other_delegation(
    article, personas, api, django_capture_on_commit_callbacks
):
    start, end = span(article.text_en, "Party")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = review.thread_start(
            actor=personas.reviewer,
            article=article,
            language="en",
            start=start,
            end=end,
            body="UK only: hold this line, @uk.drafter",
            visibility="delegation",
        )
    jp = api(personas.jp_drafter)
    assert jp.get(f"/api/v1/articles/{article.pk}/threads/").json()["count"] == 0
    assert jp.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert jp.get(f"/api/v1/threads/{thread.pk}/comments/").status_code == 404
    assert (
        jp.post(f"/api/v1/threads/{thread.pk}/comments/", {"body": "?"}, format="json").status_code
        == 404
    )
    assert all(
        "hold this line" not in n.body
        for n in Notification.objects.filter(recipient=personas.jp_drafter)
    )
    assert all("jp.drafter" not in m.to[0] for m in mail.outbox if "hold this line" in m.body)
    uk = api(personas.uk_drafter)
    assert uk.get(f"/api/v1/articles/{article.pk}/threads/").json()["count"] == 1
    assert Notification.objects.filter(recipient=personas.uk_drafter, kind="mention").exists()
    from drafting.selectors.review import open_thread_counts

    assert open_thread_counts(personas.jp_drafter, article.draft) == {}
    assert open_thread_counts(personas.uk_drafter, article.draft) == {article.pk: 1}
    # Mentioning someone of the other delegation in a delegation-only thread is refused.
    with pytest.raises(ApplicationError, match=r"@jp\.drafter"):
        review.comment_add(actor=personas.reviewer, thread=thread, body="cc @jp.drafter")


def test_reviewer_comments_and_suggests_but_never_changes_text(article, personas, api):
    client = api(personas.reviewer)
    start, end = span(article.text_en, "considered")
    response = client.post(
        f"/api/v1/articles/{article.pk}/suggestions/",
        {"anchor_start": start, "anchor_end": end, "replacement": "deemed"},
        format="json",
    )
    assert response.status_code == 201
    suggestion_id = response.json()["id"]
    assert client.post(f"/api/v1/suggestions/{suggestion_id}/accept/").status_code == 403
    assert (
        client.patch(f"/api/v1/articles/{article.pk}/", {"text_en": "x"}, format="json").status_code
        == 403
    )
    assert "considered" in Article.objects.get(pk=article.pk).text_en
    accepted = api(personas.jp_drafter).post(f"/api/v1/suggestions/{suggestion_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    text = Article.objects.get(pk=article.pk).text_en
    assert "deemed an attack" in text
    from drafting.models import Revision

    revision = Revision.objects.filter(article=article, language="en").order_by("-number").first()
    assert (revision.kind, revision.author, revision.co_author) == (
        "suggestion_accepted",
        personas.jp_drafter,
        personas.reviewer,
    )
    assert Notification.objects.filter(
        recipient=personas.reviewer, kind="suggestion_decided"
    ).exists()


def test_stale_suggestion_is_never_applied_blind(article, personas):
    start, end = span(article.text_en, "considered")
    suggestion = review.suggestion_create(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=start,
        end=end,
        replacement="deemed",
    )
    draft_services.article_edit(
        actor=personas.uk_drafter,
        article=article,
        text_en=article.text_en.replace("considered", "regarded"),
    )
    suggestion.refresh_from_db()
    assert suggestion.stale
    with pytest.raises(ConflictError, match="not applied blind"):
        review.suggestion_accept(actor=personas.owner, suggestion=suggestion)
    assert "regarded" in Article.objects.get(pk=article.pk).text_en
    assert Suggestion.objects.get(pk=suggestion.pk).status == "pending"


def test_reject_needs_a_reason_and_decisions_are_final(article, personas):
    start, end = span(article.text_en, "both")
    suggestion = review.suggestion_create(
        actor=personas.jp_reviewer,
        article=article,
        language="en",
        start=start,
        end=end,
        replacement="the two",
    )
    with pytest.raises(ApplicationError, match="Say why"):
        review.suggestion_reject(actor=personas.owner, suggestion=suggestion, reason=" ")
    review.suggestion_reject(
        actor=personas.owner, suggestion=suggestion, reason="Keep the NATO wording."
    )
    with pytest.raises(ConflictError, match="already rejected"):
        review.suggestion_accept(actor=personas.owner, suggestion=suggestion)


def test_own_suggestion_without_drafting_rights_cannot_be_accepted(article, personas):
    start, end = span(article.text_en, "both")
    suggestion = review.suggestion_create(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=start,
        end=end,
        replacement="each",
    )
    with pytest.raises(PermissionDeniedError):
        review.suggestion_accept(actor=personas.reviewer, suggestion=suggestion)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("x" * 1_000_000, "at most 20,000"),
        ("hi @nobody", "@nobody"),
        ("hi @outsider", "@outsider"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_written(article, personas, body, message):
    start, end = span(article.text_en, "Party")
    with pytest.raises(ApplicationError, match=message):
        review.thread_start(
            actor=personas.reviewer, article=article, language="en", start=start, end=end, body=body
        )
    assert not Thread.objects.exists()


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (3, 2), (0, 10_000)])
def test_anchor_outside_the_text_is_refused(article, personas, start, end):
    with pytest.raises(ApplicationError, match="outside the text"):
        review.thread_start(
            actor=personas.reviewer, article=article, language="en", start=start, end=end, body="x"
        )


def test_script_never_survives(article, personas, api):
    start, end = span(article.text_en, "Party")
    response = api(personas.reviewer).post(
        f"/api/v1/articles/{article.pk}/threads/",
        {
            "anchor_start": start,
            "anchor_end": end,
            "body": "<script>alert(1)</script><img src=x onerror=alert(2)> [link](javascript:alert(3)) **ok**",
        },
        format="json",
    )
    assert response.status_code == 201
    html = response.json()["comments"][0]["body_html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<strong>ok</strong>" in html


def test_edit_own_comment_only_and_resolve_reopen(article, personas, api):
    start, end = span(article.text_en, "Party")
    thread = review.thread_start(
        actor=personas.reviewer, article=article, language="en", start=start, end=end, body="First"
    )
    comment = thread.comments.get()
    assert (
        api(personas.jp_drafter)
        .patch(f"/api/v1/comments/{comment.pk}/", {"body": "Hijack"}, format="json")
        .status_code
        == 403
    )
    edited = (
        api(personas.reviewer)
        .patch(f"/api/v1/comments/{comment.pk}/", {"body": "First, edited"}, format="json")
        .json()
    )
    assert edited["edited"] is True and edited["body"] == "First, edited"
    client = api(personas.jp_drafter)
    assert client.post(f"/api/v1/threads/{thread.pk}/resolve/").json()["status"] == "resolved"
    assert client.post(f"/api/v1/threads/{thread.pk}/resolve/").status_code == 409
    assert client.post(f"/api/v1/threads/{thread.pk}/reopen/").json()["status"] == "open"
    assert (
        api(personas.observer)
        .post(f"/api/v1/threads/{thread.pk}/comments/", {"body": "x"}, format="json")
        .status_code
        == 403
    )


def test_replies_notify_participants_and_mute_silences(article, personas, api):
    start, end = span(article.text_en, "Party")
    thread = review.thread_start(
        actor=personas.reviewer, article=article, language="en", start=start, end=end, body="Q"
    )
    review.comment_add(actor=personas.jp_drafter, thread=thread, body="A")
    assert Notification.objects.filter(recipient=personas.reviewer, kind="reply").count() == 1
    api(personas.reviewer).post(
        f"/api/v1/drafts/{article.draft_id}/mute/", {"muted": True}, format="json"
    )
    review.comment_add(actor=personas.jp_drafter, thread=thread, body="B")
    assert Notification.objects.filter(recipient=personas.reviewer, kind="reply").count() == 1


def test_consultee_and_outsider_see_no_review(article, personas, api):
    start, end = span(article.text_en, "Party")
    thread = review.thread_start(
        actor=personas.reviewer, article=article, language="en", start=start, end=end, body="Q"
    )
    for user in (personas.consultee, personas.outsider):
        client = api(user)
        assert client.get(f"/api/v1/articles/{article.pk}/threads/").status_code == 404
        assert client.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
        assert client.get(f"/api/v1/articles/{article.pk}/suggestions/").status_code == 404


def test_a_reply_that_mentions_a_participant_notifies_them_once(article, personas, client):
    start, end = span(article.text_en, "Party")
    thread = review.thread_start(
        actor=personas.reviewer, article=article, language="en", start=start, end=end, body="Q"
    )
    review.comment_add(
        actor=personas.jp_drafter,
        thread=thread,
        body="@uk.reviewer see **this** <script>x</script>",
    )
    mine = Notification.objects.filter(recipient=personas.reviewer, kind__in=["mention", "reply"])
    assert list(mine.values_list("kind", flat=True)) == ["mention"]
    client.force_login(personas.reviewer)
    html = client.get("/notifications/").content.decode()
    assert "<strong>this</strong>" in html and "**this**" not in html
    assert "<script>x</script>" not in html
