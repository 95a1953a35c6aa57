from .analysis import LibraryUpdate, ObligationCorrection
from .audit import AuditEvent, AuditHead
from .consultation import (
    ChannelMessage,
    DisclosureEvent,
    Disposition,
    Office,
    Response,
    Round,
    RoundArticle,
    RoundReminder,
)
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
    "ChannelMessage",
    "Classification",
    "Comment",
    "Delegation",
    "DisclosureEvent",
    "Disposition",
    "Draft",
    "DraftMute",
    "EditSession",
    "Language",
    "LibraryUpdate",
    "Membership",
    "Notification",
    "ObligationCorrection",
    "Office",
    "Releasability",
    "Response",
    "Revision",
    "Role",
    "Round",
    "RoundArticle",
    "RoundReminder",
    "Suggestion",
    "SyncConflict",
    "Thread",
    "Version",
    "Visibility",
]
