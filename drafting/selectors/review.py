"""Reads of threads and suggestions, with visibility applied in the query: a delegation-only
item never leaves the database for a member of the other delegation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .. import inputs, permissions
from ..errors import NotFoundError
from ..models import Article, Comment, Draft, Suggestion, Thread
from ..permissions import Reader


def _visible(user: Reader, draft: Draft) -> Q:
    membership = permissions.membership_of(user, draft)
    mine = membership.delegation if membership else "--"
    return Q(visibility="both") | Q(delegation=mine)


def threads_of(
    user: Reader,
    article: Article,
    *,
    language: str = "",
    status: str = "",
    mine: bool = False,
    delegation: str = "",
) -> QuerySet[Thread]:
    draft = article.draft
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such article.")
    qs = (
        Thread.objects.filter(article=article)
        .filter(_visible(user, draft))
        .select_related("created_by", "resolved_by")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
        .annotate(comment_count=Count("comments"))
        .order_by("anchor_start", "created_at")
    )
    if language:
        qs = qs.filter(language=language)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(Q(created_by=user) | Q(comments__author=user)).distinct()
    if delegation:
        qs = qs.filter(delegation=delegation)
    return qs


def thread_get(user: Reader, thread_id: Any) -> Thread:
    thread = (
        Thread.objects.select_related("article__draft", "created_by").filter(pk=thread_id).first()
        if inputs.id_parse(thread_id) is not None
        else None
    )
    if thread is None or not permissions.can_see_review_item(
        user, thread.article.draft, thread.visibility, thread.delegation
    ):
        raise NotFoundError("No such thread.")
    return thread


def comment_get(user: Reader, comment_id: Any) -> Comment:
    comment = (
        Comment.objects.select_related("thread__article__draft", "author")
        .filter(pk=comment_id)
        .first()
        if inputs.id_parse(comment_id) is not None
        else None
    )
    # A comment in a thread the user may not see is as missing as one that does not exist,
    # with the same answer.
    if comment is None or not permissions.can_see_review_item(
        user, comment.thread.article.draft, comment.thread.visibility, comment.thread.delegation
    ):
        raise NotFoundError("No such comment.")
    return comment


def suggestions_of(
    user: Reader, article: Article, *, language: str = "", status: str = ""
) -> QuerySet[Suggestion]:
    draft = article.draft
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such article.")
    qs = (
        Suggestion.objects.filter(article=article)
        .filter(_visible(user, draft))
        .select_related("created_by", "decided_by")
    )
    if language:
        qs = qs.filter(language=language)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("anchor_start", "created_at")


def suggestion_get(user: Reader, suggestion_id: Any) -> Suggestion:
    suggestion = (
        Suggestion.objects.select_related("article__draft", "created_by")
        .filter(pk=suggestion_id)
        .first()
        if inputs.id_parse(suggestion_id) is not None
        else None
    )
    if suggestion is None or not permissions.can_see_review_item(
        user, suggestion.article.draft, suggestion.visibility, suggestion.delegation
    ):
        raise NotFoundError("No such suggestion.")
    return suggestion


def open_thread_counts(user: Reader, draft: Draft) -> dict[int, int]:
    """Open threads per article that this user may see."""
    if not permissions.can_view_draft(user, draft):
        return {}
    rows = (
        Thread.objects.filter(article__draft=draft, status="open")
        .filter(_visible(user, draft))
        .values("article_id")
        .annotate(n=Count("pk"))
    )
    return {row["article_id"]: row["n"] for row in rows}


def comments_of(user: Any, thread: Thread) -> QuerySet[Comment]:
    """A thread's comments in order (the thread comes from thread_get, which checked who may
    read it)."""
    return thread.comments.select_related("author").order_by("created_at", "pk")
