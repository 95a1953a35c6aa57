"""What an export holds, as plain data: a selector fills it with what the requester may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..labels import article_label
from ..textdiff import Segment


@dataclass
class DocArticle:
    key: str  # stable across languages and exports: the eId stem ("preamble", "art_5bis")
    kind: str  # "preamble" or "article"
    number: str
    heading: str
    heading_ja: str
    text_en: str
    text_ja: str
    releasability: str
    # Per language with open brackets: the text as reading-order segments (plain text and
    # brackets with their delegation, options and note; selectors.negotiation.Segment.as_dict),
    # for the formats that mark brackets up rather than write them out (AKN).
    segments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return self.text_ja if language == "ja" else self.text_en

    def title(self, language: str) -> str:
        """The article's heading line, as the reader expects it in that language."""
        return article_label(
            self.number,
            self.heading,
            self.heading_ja,
            preamble=self.kind == "preamble",
            language=language,
        )


@dataclass
class DocDraft:
    title: str
    title_ja: str
    parties: list[str]
    classification: str
    articles: list[DocArticle]
    version_label: str = ""  # "Version 3: Text for round 1", or "" for the live text
    generated_at: datetime | None = None
    cover_note: str = ""
    deadline: str = ""
    releasability: str = ""  # the marking of the whole pack (a round: REL USA), else per article

    @property
    def marking(self) -> str:
        return (
            f"{self.classification} — {self.releasability}"
            if self.releasability
            else (self.classification)
        )


@dataclass
class Author:
    name: str
    delegation: str
    at: datetime

    @property
    def label(self) -> str:
        return f"{self.name} ({self.delegation})" if self.delegation else self.name


@dataclass
class DocComment:
    """One comment of a review thread: the first one opens it, the rest are replies."""

    author: Author
    body: str


@dataclass
class DocThread:
    start: int  # UTF-16 offsets into the "to" text of the article
    end: int
    comments: list[DocComment]


@dataclass
class ComparedText:
    """One language of one article, as marked-up segments whose tags are ``Author``s."""

    segments: list[Segment]
    threads: list[DocThread] = field(default_factory=list)


@dataclass
class ComparedArticle:
    article: DocArticle  # the "to" side (or the "from" side of a removed article)
    status: str
    texts: dict[str, ComparedText]
    heading_before: str | None = None  # set when the heading changed
    heading_author: Author | None = None


@dataclass
class DocCompare:
    draft: DocDraft
    from_label: str
    to_label: str
    articles: list[ComparedArticle]
    extra: dict[str, Any] = field(default_factory=dict)
