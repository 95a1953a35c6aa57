from .audit import AuditEvent, AuditHead
from .drafts import Article, Classification, Delegation, Draft, Membership, Releasability, Role
from .notifications import Notification
from .revisions import ChangeDecision, Language, Revision, Version

__all__ = [
    "Article",
    "AuditEvent",
    "AuditHead",
    "ChangeDecision",
    "Classification",
    "Delegation",
    "Draft",
    "Language",
    "Membership",
    "Notification",
    "Releasability",
    "Revision",
    "Role",
    "Version",
]
