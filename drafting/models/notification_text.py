"""A notification's subject and body, written when they are read or emailed, in the reader's
language and time zone.

A notification records its kind and the values of the event (``Notification.params``), not
sentences: the in-app list follows the reader's language when they change it, and its email
is written for its recipient (services.notifications wraps the rendering in their locale).
The values are recorded as they were at the event, so a notification does not change when
the article is renumbered later: an article's label in both languages, a time as an ISO
timestamp, a choice (role, delegation, position…) as its stored value. Names, titles and
quoted text are never translated.

Notifications made before params existed keep the (English) subject and body they stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from ..labels import reader_language
from .analysis import LibraryUpdate
from .consultation import Response
from .drafts import Delegation, Role
from .revisions import Language

# The choice lists a recorded value can be shown from: {"choice": "role", "value": "drafter"}.
CHOICES: dict[str, Any] = {
    "role": Role,
    "delegation": Delegation,
    "position": Response.Position,
    "outcome": LibraryUpdate.Outcome,
    "language": Language,
}


def label_value(english: str, japanese: str) -> dict[str, str]:
    """An article's label in both languages (Article.label and Article.label_ja)."""
    return {"en": english, "ja": japanese}


def time_value(moment: datetime) -> dict[str, str]:
    return {"at": moment.isoformat()}


def choice_value(choices: str, value: str) -> dict[str, str]:
    return {"choice": choices, "value": value}


def pair_value(*values: Any) -> dict[str, Any]:
    """Values shown together as "a: b" (a language and what happened to it)."""
    return {"parts": list(values)}


def time_text(moment: datetime) -> str:
    """A time as the reader reads it: their date format, their time zone, the zone named
    (an email is read away from the page that says which zone it uses)."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def _shown(value: Any) -> Any:
    if isinstance(value, dict):
        if "en" in value and "ja" in value:
            return value[reader_language()]
        if "at" in value:
            return time_text(datetime.fromisoformat(value["at"]))
        if "choice" in value:
            choices = CHOICES.get(value["choice"])
            try:
                return str(choices(value["value"]).label) if choices else value["value"]
            except ValueError:
                return value["value"]
        if "parts" in value:
            return ": ".join(str(_shown(v)) for v in value["parts"])
    if isinstance(value, list):
        return ", ".join(str(_shown(v)) for v in value)
    return value


# A body is paragraphs, each either interface text (in the reader's language) or words people
# wrote (quotes, comments, rationales: shown as written, marked so on pages).
Part = tuple[str, bool]


def _said(*texts: str) -> list[Part]:
    return [(text, True) for text in texts if text]


def _quoted(quote: str, text: str) -> list[Part]:
    return _said(f"“{quote}”" if quote else "", text)


def _member_added(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return (
        gettext("You were added to “%(draft)s”") % p,
        [
            (
                gettext(
                    "%(who)s added you to the draft “%(draft)s” (%(classification)s) as "
                    "%(role)s for the %(delegation)s delegation."
                )
                % p,
                False,
            )
        ],
    )


def _mention(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return gettext("%(who)s mentioned you on %(article)s") % p, _quoted(p["quote"], p["text"])


def _new_thread(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return (
        gettext("New comment on %(article)s") % p,
        [(gettext("%(who)s commented on:") % p, False), *_quoted(p["quote"], p["text"])],
    )


def _reply(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return gettext("%(who)s replied on %(article)s") % p, _quoted(p["quote"], p["text"])


def _suggestion_decided(p: dict[str, Any]) -> tuple[str, list[Part]]:
    if p["verdict"] == "accepted":
        subject = gettext("%(who)s accepted your suggestion on %(article)s") % p
    else:
        subject = gettext("%(who)s rejected your suggestion on %(article)s") % p
    body = _said(f"“{p['original']}” → “{p['replacement']}”")
    if p.get("reason"):
        body += [(gettext("Reason:"), False), *_said(p["reason"])]
    return subject, body


def _round_sent(p: dict[str, Any]) -> tuple[str, list[Part]]:
    subject = (
        ngettext(
            "Consultation round %(round)s: %(count)s article for %(office)s",
            "Consultation round %(round)s: %(count)s articles for %(office)s",
            p["count"],
        )
        % p
    )
    return subject, [
        *_said(p.get("note", "")),
        (gettext("Please answer by %(deadline)s.") % p, False),
    ]


def _round_reminder(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return (
        ngettext(
            "Round %(round)s: %(count)s article to answer by %(deadline)s",
            "Round %(round)s: %(count)s articles to answer by %(deadline)s",
            p["count"],
        )
        % p,
        [(gettext("The deadline is near."), False)],
    )


def _round_overdue(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return (
        ngettext(
            "Overdue: %(office)s has not answered %(count)s article of round %(round)s",
            "Overdue: %(office)s has not answered %(count)s articles of round %(round)s",
            p["count"],
        )
        % p,
        [(gettext("The deadline has passed."), False)],
    )


def _response(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return gettext("%(office)s: %(position)s on %(article)s") % p, _said(p["text"])


def _channel(p: dict[str, Any]) -> tuple[str, list[Part]]:
    return gettext("Round %(round)s, %(office)s: new message") % p, _said(p["text"])


def _library_update(p: dict[str, Any]) -> tuple[str, list[Part]]:
    if p.get("withdrawn"):
        return (
            gettext("Library clause withdrawn: %(clause)s (used by %(article)s)") % p,
            [
                (
                    gettext(
                        "The library clause this article came from was withdrawn. Review "
                        "whether the article should keep its wording."
                    ),
                    False,
                )
            ],
        )
    return (
        gettext("Library clause changed: %(clause)s (used by %(article)s)") % p,
        [
            (
                gettext(
                    "The change is offered as a suggestion on the article (%(outcomes)s). "
                    "Nothing changes until a drafter accepts it."
                )
                % p,
                False,
            )
        ],
    )


RENDERERS: dict[str, Callable[[dict[str, Any]], tuple[str, list[Part]]]] = {
    "member_added": _member_added,
    "mention": _mention,
    "new_thread": _new_thread,
    "reply": _reply,
    "suggestion_decided": _suggestion_decided,
    "round_sent": _round_sent,
    "round_reminder": _round_reminder,
    "round_overdue": _round_overdue,
    "response": _response,
    "channel": _channel,
    "library_update": _library_update,
}


def notification_text(kind: str, params: dict[str, Any]) -> tuple[str, list[Part]] | None:
    """Subject and body paragraphs in the active language and time zone; None if this kind
    has no renderer or the params do not fit it (the stored text is shown instead)."""
    renderer = RENDERERS.get(kind)
    if renderer is None or not params:
        return None
    try:
        return renderer({key: _shown(value) for key, value in params.items()})
    except (KeyError, TypeError, ValueError):
        return None
