"""Text on a diagram: user and catalog strings cleaned to one bounded line, and wrapped."""

from __future__ import annotations

from playbook.sanitize import normalise

ELLIPSIS = "\u2026"


def clean_text(text: str, *, max_length: int) -> str:
    """Return `text` as one line of drawable characters, at most `max_length` long."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}")
    # The one normaliser every target shares, then what Graphviz's XML labels cannot hold.
    kept = "".join(char for char in normalise(text) if char.isspace() or _drawable(char))
    one_line = " ".join(kept.split())  # any newline, tab or other space becomes a single space
    if len(one_line) > max_length:
        one_line = one_line[: max_length - 1].rstrip() + ELLIPSIS
    return one_line


def _drawable(char: str) -> bool:
    # Control characters and non-characters are invalid in the XML Graphviz parses labels as;
    # lone surrogates cannot even be encoded as UTF-8. Explicit bidi embeddings, overrides and
    # isolates can make a shared title read differently from what it says; right-to-left text
    # still displays correctly without them.
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000:
        return False
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return False
    return not (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


def wrap(text: str, *, width: int, max_lines: int) -> list[str]:
    """Return cleaned `text` broken at spaces into lines of about `width` characters at most."""
    cleaned = clean_text(text, max_length=width * max_lines).split(" ")
    # A word longer than a line (a pasted URL, say) is cut into line-sized pieces.
    words = [word[i : i + width] for word in cleaned for i in range(0, max(len(word), 1), width)]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
        lines[-1] = clean_text(lines[-1], max_length=width)
    return [line for line in lines if line]
