from .drafts import Article, Classification, Delegation, Draft, Membership, Releasability, Role
from .notifications import Notification

__all__ = [
    "Article",
    "Classification",
    "Delegation",
    "Draft",
    "Membership",
    "Notification",
    "Releasability",
    "Role",
]
