"""Markdown as pages show it: notification bodies quote comments, which are Markdown."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    # render_markdown sanitises (nh3): no script, event handler or style survives.
    return mark_safe(render_markdown(value or ""))  # noqa: S308
