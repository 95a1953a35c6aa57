"""``{{ text|highlight:query }}``: the text escaped, with the words the library search matched
in <mark> (treaties.searchtext)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..searchtext import highlight as highlight_html
from ..searchtext import query_terms

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    # Safe: highlight_html escapes the whole text and adds only <mark> elements.
    return mark_safe(highlight_html(str(text or ""), query_terms(str(query or "")[:200])))  # noqa: S308
