from .analysis import LibraryUpdate, ObligationCorrection
from .audit import AuditCheckpoint, AuditEvent, AuditHead
from .concordance import Concordance
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
from .negotiation import (
    ArticleStatusChange,
    Bracket,
    BracketEvent,
    BracketOption,
    DelegationLead,
    SignOff,
)
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
    "ArticleStatusChange",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Bracket",
    "BracketEvent",
    "BracketOption",
    "ChangeDecision",
    "ChannelMessage",
    "Classification",
    "Comment",
    "Concordance",
    "Delegation",
    "DelegationLead",
    "DisclosureEvent",
    "Disposition",
    "Draft",
    "DraftMute",
    "EditSession",
    "GroupPolicy",
    "InterfaceLanguage",
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
    "SignOff",
    "Suggestion",
    "SyncConflict",
    "Thread",
    "TimeZone",
    "UserPreference",
    "Version",
    "Visibility",
]
