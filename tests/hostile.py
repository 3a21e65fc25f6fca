"""A hostile corpus, a design whose every text field and own entry name holds it, and a check that
rendered Markdown has nothing live from it (shared by unit, AppTest and browser tests)."""

from __future__ import annotations

import re
from typing import Any, Final

from markdown_it import MarkdownIt
from markdown_it.token import Token

from playbook import Design, design_from_data, dump_design
from playbook.design import PHASES

EVIL: Final = "evil.example"
# Each payload tries one way to make text live: an image loaded from outside, a link, raw HTML,
# a script scheme, an autolink, bidi and zero-width tricks, NUL and controls, LaTeX and
# Streamlit directives, block syntax.
CORPUS: Final = (
    f"![x](http://{EVIL}/x.png)",
    f"[Re-login](http://{EVIL}/login)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "javascript:alert(2)",
    f"<http://{EVIL}/auto>",
    "www.example.com/evil",
    "\u202eevil\u202c\u2066iso\u2069\u200e\u200f",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff",
    "nul\x00bell\x07esc\x1b[31m",
    "{}{{x}} $x^2$ $$y$$",
    ":red[styled] :material/home:",
    "# heading\n- list\n> quote",
    "`code` | pipe |",
)
# Not U+2060 (word joiner): the escaper writes it on purpose, to stop GFM autolinks.
HIDDEN_CHARACTERS: Final = frozenset(
    "\x00\x07\x1b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e"
    "\u200f\ufeff"
)
# remark-gfm (Streamlit's Markdown) links these in the text left after escapes are decoded.
GFM_AUTOLINK: Final = re.compile(
    r"(?i)(?:^|[^a-z0-9])(https?://|www\.)|[-.\w+]+@[-\w]+(?:\.[-\w]+)+"
)
ALL: Final = " ".join(CORPUS)
# The one payload that fits the 80-character names and still holds an image and a link.
NAME: Final = f"![gpu](http://{EVIL}/g.png)[Re-login](http://{EVIL})\u202e<b>x"
CUSTOM_GPU_ID: Final = "evil-gpu"
CUSTOM_MODEL_ID: Final = "evil-model"


def hostile_design() -> Design:
    """Return a valid self-hosted design whose every text and own entry name is hostile."""
    data: dict[str, Any] = json_of(Design())
    data |= {"title": ALL[:200], "scenario": ALL[100:300], "author": ALL[200:400]}
    for phase in PHASES:
        data[phase]["notes"] = ALL * 3
    data["technique"]["justification"] = ALL
    data["model"] |= {"kind": "self_hosted", "open_model": CUSTOM_MODEL_ID}
    data["serving"]["gpu"] = CUSTOM_GPU_ID
    data["custom_models"] = [_model()]
    data["custom_gpus"] = [_gpu()]
    data["components"] = [
        {
            "id": f"evil_{i}", "name": (payload if payload.strip() else NAME)[:80],
            "kind": "tool", "phase": "model", "justification": ALL,
            "connects_to": ["llm"] if i % 2 else [],
        }
        for i, payload in enumerate((NAME, *CORPUS))
    ]  # fmt: skip
    return design_from_data(data)


def json_of(design: Design) -> dict[str, Any]:
    """Return a design as decoded JSON."""
    import json

    decoded: dict[str, Any] = json.loads(dump_design(design))
    return decoded


def _model() -> dict[str, Any]:
    return {
        "id": CUSTOM_MODEL_ID, "name": NAME, "source": ALL[:1_000], "as_of": "2026-12-01",
        "total_params": 8e9, "layers": 32, "hidden_size": 4096, "attention_heads": 32,
        "kv_heads": 8, "head_dim": 128, "attention": "gqa", "max_context": 131_072,
    }  # fmt: skip


def _gpu() -> dict[str, Any]:
    return {
        "id": CUSTOM_GPU_ID, "name": NAME, "source": ALL[:1_000], "as_of": "2026-12-01",
        "memory_gb": 80.0, "bandwidth_tbs": 3.35, "dense_tflops": {"bf16": 989.0},
        "usd_per_hour": 2.5, "price_source": ALL[:200], "price_as_of": "2026-12-01",
    }  # fmt: skip


# CommonMark with tables and links for http(s) URLs; remark-gfm (Streamlit) links no bare
# domain, so fuzzy domains are off here too, and its www. and e-mail links are GFM_AUTOLINK.
_PARSER: Final = MarkdownIt("gfm-like")
_PARSER.linkify.set({"fuzzy_link": False, "fuzzy_email": False})


def live_parts(markdown: str) -> list[str]:
    """Return what in `markdown` would render live: images, links, raw HTML, LaTeX, directives.

    Links and HTML are counted only when they carry the corpus's marks (the app's own text may
    hold a link of its own); images count whatever they load.
    """
    found = []
    for token in flat_tokens(_PARSER.parse(markdown)):
        if token.type == "image":
            found.append(f"image {token.attrGet('src')}")
        elif token.type == "link_open":
            href = str(token.attrGet("href"))
            if "evil" in href.lower() or href.lower().startswith(("javascript", "data")):
                found.append(f"link {href}")
        elif token.type in ("html_inline", "html_block"):
            found.append(f"html {token.content.strip()[:40]}")
        elif token.type == "text" and (link := GFM_AUTOLINK.search(token.content)):
            found.append(f"autolink {link[0]}")
        elif token.type == "text" and ":material/home:" in token.content:
            found.append("icon :material/home:")  # Streamlit reads icons in decoded text
    found += [f"latex {mark}" for mark in ("$x^2$", "$$y$$") if mark in markdown]
    found += [f"directive {mark}" for mark in (":red[", ":material/home:") if mark in markdown]
    found += [f"hidden U+{ord(c):04X}" for c in HIDDEN_CHARACTERS & set(markdown)]
    return found


def flat_tokens(tokens: list[Token]) -> list[Token]:
    return [found for token in tokens for found in (token, *flat_tokens(token.children or []))]
