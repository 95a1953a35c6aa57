"""The fixed messages that services and selectors raise, marked for translation here.

The services are being moved between modules, so their strings are not edited in place yet;
instead the places that show a message to a person (error pages, form errors, the API's
error body) pass it through gettext, and this list puts the fixed ones in the catalogue.
A message built with values (an f-string) is not found in the catalogue and is shown as it
is, in English, until it is marked where it is raised.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

MESSAGES = (
    gettext_noop("A preamble has no number."),
    gettext_noop("Choose at least one US office."),
    gettext_noop("No such article in this draft."),
    gettext_noop("No such article in this round."),
    gettext_noop("No such article."),
    gettext_noop("No such comment."),
    gettext_noop("No such conflict."),
    gettext_noop("No such consultation round."),
    gettext_noop("No such draft."),
    gettext_noop("No such member of this draft."),
    gettext_noop("No such response."),
    gettext_noop("No such suggestion."),
    gettext_noop("No such thread."),
    gettext_noop("Only the draft's drafters and reviewers can comment."),
    gettext_noop("Only the draft's drafters and reviewers can suggest wording."),
    gettext_noop("Only the draft's drafters can accept or reject suggestions."),
    gettext_noop("Only the draft's drafters record dispositions."),
    gettext_noop("Only the drafters and the conflict's author can resolve it."),
    gettext_noop("The cover note is too long."),
    gettext_noop("Unknown editing session: start a new one."),
    gettext_noop("You can edit only your own comments."),
    gettext_noop("You cannot reply in this thread."),
    gettext_noop("You cannot resolve or reopen this thread."),
    gettext_noop("You do not answer for that office."),
)


def message_translate(message: str) -> str:
    """The message in the active language if the catalogue has it, else as it is."""
    return gettext(message) if message else message
