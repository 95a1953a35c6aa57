from .audit import AuditEvent, AuditHead
from .drafts import Article, Classification, Delegation, Draft, Membership, Releasability, Role
from .notifications import Notification
from .review import Comment, DraftMute, Suggestion, Thread, Visibility
from .revisions import ChangeDecision, Language, Revision, Version
from .sync import EditSession, SyncConflict

__all__ = [
    "Article",
    "AuditEvent",
    "AuditHead",
    "ChangeDecision",
    "Classification",
    "Comment",
    "Delegation",
    "Draft",
    "DraftMute",
    "EditSession",
    "Language",
    "Membership",
    "Notification",
    "Releasability",
    "Revision",
    "Role",
    "Suggestion",
    "SyncConflict",
    "Thread",
    "Version",
    "Visibility",
]
