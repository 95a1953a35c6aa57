from .audit import AuditEvent, AuditHead
from .drafts import Article, Classification, Delegation, Draft, Membership, Releasability, Role
from .notifications import Notification
from .revisions import ChangeDecision, Language, Revision, Version
from .sync import EditSession, SyncConflict

__all__ = [
    "Article",
    "AuditEvent",
    "AuditHead",
    "ChangeDecision",
    "Classification",
    "Delegation",
    "Draft",
    "EditSession",
    "Language",
    "Membership",
    "Notification",
    "Releasability",
    "Revision",
    "Role",
    "SyncConflict",
    "Version",
]
