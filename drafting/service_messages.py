"""The fixed messages that services and selectors raise, marked for translation here.

The services are being moved between modules, so their strings are not edited in place yet;
instead the places that show a message to a person (error pages, form errors, the API's
error body) pass it through gettext, and this list puts the fixed ones in the catalogue.
A message built with values (an f-string) is not found in the catalogue and is shown as it
is, in English, until it is marked where it is raised. The short problems named beside a
field go the same way (FIELD_HINTS).
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

# The short problems an error names beside a field (`fields={"name": ["Too long."]}`).
FIELD_HINTS = (
    gettext_noop("A revision of another article."),
    gettext_noop("Already a member."),
    gettext_noop("Already present."),
    gettext_noop("Choose 2 or later."),
    gettext_noop("Choose OFFICIAL or OFFICIAL-SENSITIVE."),
    gettext_noop("Delta too large."),
    gettext_noop("Duplicate type."),
    gettext_noop("Give a number or omit it."),
    gettext_noop("In the past."),
    gettext_noop("Invalid number."),
    gettext_noop("Malformed edit."),
    gettext_noop("Malformed option."),
    gettext_noop("Must be ≥ 1."),
    gettext_noop("Newer than to."),
    gettext_noop("Not a whole number."),
    gettext_noop("No change."),
    gettext_noop("No such option."),
    gettext_noop("No such user."),
    gettext_noop("Not REL USA."),
    gettext_noop("Not a consultee of this draft."),
    gettext_noop("Not a drafter of this delegation."),
    gettext_noop("Not a list."),
    gettext_noop("Not a number."),
    gettext_noop("Not in the text."),
    gettext_noop("Not in this draft."),
    gettext_noop("Not numbers."),
    gettext_noop("Not text."),
    gettext_noop("Omit it."),
    gettext_noop("One language per AKN document."),
    gettext_noop("Only with resolution 'option'."),
    gettext_noop("Outside the text."),
    gettext_noop("Overlaps another bracket partially."),
    gettext_noop("Read-only."),
    gettext_noop("Remove it."),
    gettext_noop("Remove the NUL character."),
    gettext_noop("Required."),
    gettext_noop("Splits a character."),
    gettext_noop("Taken."),
    gettext_noop("The preamble stays at 1."),
    gettext_noop("This field is required."),
    gettext_noop("This number is already used in this draft."),
    gettext_noop("Too large."),
    gettext_noop("Too long or missing."),
    gettext_noop("Too long."),
    gettext_noop("Too many."),
    gettext_noop("Unknown mention."),
    gettext_noop("Unknown user."),
    gettext_noop("Unknown."),
    gettext_noop("Upload again."),
    gettext_noop("Use 'article' or 'preamble'."),
    gettext_noop("Use UK or JP."),
    gettext_noop("Use bracketed or clean."),
    gettext_noop("Use en or ja."),
    gettext_noop("Use keep, option or delete."),
    gettext_noop("Use now with pending."),
    gettext_noop("Use party names from the library."),
    gettext_noop("Wait before trying again."),
    gettext_noop("Write something."),
    gettext_noop("Wrong code."),
    gettext_noop("delegations must be a list."),
    gettext_noop("en or ja"),
)


def message_translate(message: str) -> str:
    """The message in the active language if the catalogue has it, else as it is."""
    return gettext(message) if message else message


def fields_translate(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each field's problems in the active language, where the catalogue has them."""
    return {
        name: [message_translate(str(p)) for p in problems] for name, problems in fields.items()
    }
