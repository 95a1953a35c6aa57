"""Template helpers for sentences whose word order differs between English and Japanese."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..labels import language_name as name_of_language
from ..service_messages import message_translate

register = template.Library()


@register.simple_tag
def who(person: Any, delegation: str = "") -> SafeString:
    """A person's name (with delegation), as HTML to place inside a translated sentence, so
    that "by {{ who }}" can become 「{{ who }}による」."""
    if not person:
        return format_html('<span class="muted">{}</span>', _("the system"))
    name = person.get_full_name() or person.get_username()
    return format_html(
        '<span class="author delegation--{}" title="{}">{}{}</span>',
        (delegation or "none").lower(),
        person.get_username(),
        name,
        f" ({delegation})" if delegation else "",
    )


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template (e.g. a status code's translated name), or the key itself."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def ui_message(message: str) -> str:
    """A service's error message in the interface language, where the catalogue has it."""
    return message_translate(str(message))


@register.filter
def text_language_name(code: str) -> str:
    """A text language's name in the interface language: {{ "ja"|text_language_name }}.
    (Django's i18n library has a language_name filter of its own: it names languages in
    English, and a later {% load i18n %} would shadow a filter of that name.)"""
    return name_of_language(str(code))
