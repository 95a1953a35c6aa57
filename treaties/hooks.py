"""A small registry through which the library tells its users that a clause changed.

treaties knows nothing of drafts (import-linter forbids treaties → drafting), yet a change of a
library clause must reach the drafts that inserted it. Signals would hide that side effect
(ARCHITECTURE.md, convention 6), so instead the drafting app registers a plain function here
when it is ready, and treaties.services calls the registered functions explicitly, once the
write has committed, with the id of the ClauseRevision it recorded.
"""

from __future__ import annotations

from collections.abc import Callable

ClauseChanged = Callable[[int], None]

_clause_changed: list[ClauseChanged] = []


def clause_changed_register(handler: ClauseChanged) -> None:
    """Register ``handler(clause_revision_id)``; registering the same function twice is a no-op."""
    if handler not in _clause_changed:
        _clause_changed.append(handler)


def clause_changed_handlers() -> list[ClauseChanged]:
    return list(_clause_changed)
