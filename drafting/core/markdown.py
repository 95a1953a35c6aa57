"""Comment bodies: validation and Markdown rendered to sanitised HTML (comments in review
threads and messages in the consultation channel alike)."""

from __future__ import annotations

import re
from typing import Any

import markdown
import nh3
from django.utils.translation import gettext

from ..errors import ApplicationError

MAX_COMMENT_LENGTH = 20_000
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.+-]+[A-Za-z0-9_])")
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
    "del",
}


def render_markdown(body: str) -> str:
    """Markdown to HTML, sanitised: no script, no event handler, no style survives."""
    html = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def comment_body_validate(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ApplicationError(
            "A comment cannot be empty.",
            fields={"body": ["Write something."]},
            code="empty_comment",
        )
    if len(body) > MAX_COMMENT_LENGTH:
        raise ApplicationError(
            gettext(
                "A comment has at most %(limit)s characters (this one has %(length)s). Split it, or attach the text as a suggestion."
            )
            % {"limit": f"{MAX_COMMENT_LENGTH:,}", "length": f"{len(body):,}"},
            fields={"body": ["Too long."]},
            code="comment_too_long",
        )
    if "\x00" in body:
        raise ApplicationError(
            "The comment contains a NUL character.", fields={"body": ["Remove it."]}
        )
    return body
