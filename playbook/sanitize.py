"""Model-written Markdown made safe to render: no HTML, no images, links only to http(s) URLs.

The approach is constructive rather than a blocklist: every link and image the text contains is
taken out first; then every character that could start HTML, an autolink, an image or a link
(`<`, `[`, `]`) becomes a character reference, which Markdown shows as the character but never
parses as syntax (a backslash escape could itself be escaped); finally the links whose
target is a plain http(s) URL are put back, written by this module. Obfuscated schemes
(`JaVaScRiPt:`, `&#106;avascript:`, `java\tscript:`) never pass, because the target is decoded
the way a Markdown parser and a browser would before its scheme is checked against the allowlist.
"""

from __future__ import annotations

import html
import re
from typing import Final
from urllib.parse import quote

# Streamlit passes any link scheme through, so only these are ever written back.
SAFE_SCHEMES: Final = ("http://", "https://")
MAX_CHARS: Final = 50_000

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# An inline image or link: [text](target "title"), the target optionally in <angle brackets>.
_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\[\]\n]{0,500})\]"
    r"\(\s*(?P<target><[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_PUNCTUATION_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
_URL_SAFE: Final = "/:?#@!$&'*+,;=%~-._"
# Script schemes left as plain text are harmless, but a colon reference keeps them unlinkable
# by any autolinker (and out of a reviewer's search for live ones); it renders as ":".
_SCRIPT_SCHEME = re.compile(r"(?i)\b((?:java|vb|live)script)(\s*):")


def safe_url(target: str) -> str | None:
    """Return `target` as a clean http(s) URL, or None when its scheme is anything else."""
    url = target.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    url = html.unescape(_PUNCTUATION_ESCAPE.sub(r"\1", url))
    # Browsers drop tabs, newlines and controls inside URLs: judge the URL they would load.
    url = _INVISIBLE.sub("", url).strip()
    if not url.lower().startswith(SAFE_SCHEMES) or len(url) > 2_000:
        return None
    return quote(url, safe=_URL_SAFE)


_INERT: Final = {"<": "&lt;", "[": "&#91;", "]": "&#93;"}
_TEXT: Final = str.maketrans(_INERT)
# In a link's text a trailing backslash would escape the closing bracket written after it.
_LABEL: Final = str.maketrans({**_INERT, "\\": "&#92;"})


def sanitize_markdown(text: str) -> str:
    """Return model-written Markdown with HTML, images and non-http(s) links made inert."""
    text = text[:MAX_CHARS].replace("\x00", "")
    text = _COMMENT.sub("", text)
    links: list[str] = []

    def take(match: re.Match[str]) -> str:
        label = match["text"]
        url = safe_url(match["target"])
        if match["bang"] or url is None:
            return label  # an image shows its alt text; an unsafe link only its text
        links.append(f"[{label.translate(_LABEL)}]({url})")
        return f"\x00{len(links) - 1}\x00"

    text = _INLINE.sub(take, text)
    text = _SCRIPT_SCHEME.sub(r"\1\2&#58;", text.translate(_TEXT))
    return _PLACEHOLDER.sub(lambda match: links[int(match[1])], text)
