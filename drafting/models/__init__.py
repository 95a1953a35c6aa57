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
from .preferences import InterfaceLanguage, TimeZone, UserPreference
from .review import Comment, DraftMute, Suggestion, Thread, Visibility
from .revisions import ChangeDecision, Language, Revision, Version
from .security import GroupPolicy
from .sync import EditSession, SyncConflict
from .tokens import ApiToken

__all__ = [
    "ApiToken",
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
    "GroupPolicy",
    "InterfaceLanguage",
    "Language",
    "Membership",
    "Notification",
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
    "TimeZone",
    "UserPreference",
    "Version",
    "Visibility",
]
