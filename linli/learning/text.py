"""Course articles are stored as Markdown source and rendered safely: raw HTML is escaped, and links only
to http(s)/mailto (markdown-it's link validation drops javascript:, vbscript:, file: and data: URLs)."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/")


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


_md.validateLink = _validate_link


def render(source: str) -> str:
    return mark_safe(_md.render(source or ""))  # noqa: S308 - html disabled, links validated above
