"""The one road for user- and model-written text to the page: normalise, then escape per target.

- `normalise(text)`: strips what no target should receive: NUL and other control characters,
  bidi embeddings, overrides, isolates and marks, zero-width characters, lone surrogates. The
  design's validators apply it to every text field; every escaping function here (and the
  diagram's, in `diagrams.text`) applies it again, so text from anywhere is covered.
- `markdown(text)`: user text shown literally inside Markdown (`st.markdown`, `st.caption`,
  alerts, metric labels, the Markdown report): one line, every Markdown, HTML, LaTeX and
  Streamlit-directive character made literal.
- `code(text)`: text shown as an inline code span (formulas), whatever backticks it holds.
- `cell(text)`: text for a table cell (shown as plain text; a CSV download cannot run it).
- `sanitize_markdown(text)`: model-written Markdown kept as Markdown, with HTML, images and
  non-http(s) links made inert.

Model-written Markdown: the approach is constructive rather than a blocklist. Every link and
image the text contains is taken out first; then every character that could start HTML, an
autolink, an image or a link (`<`, `[`, `]`) becomes a character reference, which Markdown shows
as the character but never parses as syntax (a backslash escape could itself be escaped);
finally the links whose target is a plain http(s) URL are put back, written by this module.
Obfuscated schemes (`JaVaScRiPt:`, `&#106;avascript:`, `java\tscript:`) never pass, because
the target is decoded the way a Markdown parser and a browser would before its scheme is checked
against the allowlist.
"""

from __future__ import annotations

import html
import re
from typing import Final
from urllib.parse import quote

# C0 controls but tab, newline and carriage return; DEL and C1 controls but NEL (a space); the
# Arabic letter mark; zero-width space, joiners and LTR/RTL marks; bidi embeddings and
# overrides; word joiner and invisible operators; bidi isolates; the byte-order mark; lone
# surrogates (not encodable).
# A zero-width joiner between two emoji is kept: it builds one emoji (👩🏽‍💻) out of several.
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\ufe0f"
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
    f"|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])"
)
# Inline syntax anywhere in a line: escapes, code, emphasis, links and images (`[`, and `(` to
# be inert twice over), HTML and autolinks (`<`), headings, tables, strikethrough, LaTeX (`$`),
# entities, Streamlit directives (`:red[...]` needs `[`), `+` (a list marker; escaped anywhere,
# as before). Block syntax counts only at the start
# of the (single) line.
_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()<>#|~$&!+")
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")


def normalise(text: str) -> str:
    """Return `text` without control, bidi-control, zero-width and unencodable characters."""
    return _HIDDEN.sub("", text)


# GFM's autolink literals (Streamlit renders Markdown with remark-gfm) and Streamlit's icon and
# emoji shortcodes (`:material/home:`, `:smile:`) are found in the text after escapes are
# decoded, so no escape stops `http://x`, `www.x` or `a@x.y` becoming a link: a word joiner
# (invisible, U+2060) after the scheme, the `www`, the `@` or a shortcode's colon does.
WORD_JOINER: Final = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<![a-z0-9])(https?(?=://)|www(?=\.))|@(?=[-\w])|:(?=[a-z])")


def markdown(text: str) -> str:
    """Return user text to show literally in Markdown: one line, all syntax escaped."""
    flat = " ".join(normalise(text).split())  # a newline would start a heading, list or quote
    flat = _AUTOLINK.sub(lambda match: match[0] + WORD_JOINER, flat)
    # `<` becomes a character reference: not even an escaped `<` reaches the page.
    shown = "".join(
        "&lt;" if ch == "<" else f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in flat
    )
    # A list item (`- x`, `+ x`, `1. x`, `2) x`) or a setext underline starts the line.
    if match := _BLOCK_START.match(shown):
        end = match.end()
        marker = end if shown[:end].isdigit() else end - 1
        shown = f"{shown[:marker]}\\{shown[marker:]}"
    # As in model-written text: a script scheme's colon as a reference, unlinkable anywhere.
    return _SCRIPT_SCHEME.sub(r"\1\2&#58;", shown)


def code(text: str) -> str:
    """Return user text as one inline code span, fenced by more backticks than it contains."""
    flat = " ".join(normalise(text).split())
    runs = re.findall("`+", flat)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    return f"{fence} {flat} {fence}"


_FORMULA_START = tuple("=+-@")


def cell(text: str) -> str:
    """Return user text for a table cell: normalised, and never read as a spreadsheet formula."""
    clean = normalise(text)
    if clean.startswith(_FORMULA_START) and not _is_number(clean):
        return "'" + clean
    return clean


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


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
    text = normalise(text[:MAX_CHARS])
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
