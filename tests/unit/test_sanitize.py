"""User text reaches the page inert; model-written Markdown keeps only http(s) links."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from playbook.sanitize import cell, code, markdown, normalise, safe_url, sanitize_markdown
from tests.hostile import CORPUS, HIDDEN_CHARACTERS, flat_tokens, live_parts

# In the output, a `[` that is not a character reference can only open a link written by the
# sanitiser; its target must be http(s). With no raw `<`, no HTML or autolink can start.
_LIVE_BRACKET = re.compile(r"\[")
_LINK = re.compile(r"\[[^\[\]]*\]\((?P<target>[^()\s]*)\)")


def _assert_inert(markdown: str) -> None:
    assert "<" not in markdown
    assert "![" not in markdown
    links = list(_LINK.finditer(markdown))
    assert len(links) == len(_LIVE_BRACKET.findall(markdown)), markdown
    for link in links:
        assert link["target"].lower().startswith(("http://", "https://")), markdown


HOSTILE = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&colon;alert(1))",
    "[x](java\\script:alert(1))",
    "[x](javascript\\:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1) )",
    "[x](\x01javascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "![](https://evil.example/x.png)",
    '![alt](https://evil.example/x.png "title")',
    "![alt][logo]\n\n[logo]: https://evil.example/x.png",
    "[x][evil]\n\n> [evil]: javascript:alert(1)",
    "[x]\n\n[x]: javascript:alert(1)",
    "[![img](https://evil.example/x.png)](https://ok.example)",
    "\\[x](javascript:alert(1))",
    "[x\\](https://ok.example) z](javascript:alert(1))",
    "<!-- hidden instructions --> visible",
    "<!-- never closed",
    ":red[styled] and :material/home:",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_rendered_inert(text: str) -> None:
    result = sanitize_markdown(text)

    _assert_inert(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](javascript:alert(1))", "x"),
        ("![the diagram](https://evil.example/x.png)", "the diagram"),
        ("before <!-- hidden --> after", "before  after"),
        ("a <b>bold</b> claim", "a &lt;b>bold&lt;/b> claim"),
        ("bare javascript:alert(1) text", "bare javascript&#58;alert(1) text"),
        ("**bold**, _italic_, `code`, - item", "**bold**, _italic_, `code`, - item"),
    ],
)
def test_sanitising_keeps_the_text_and_drops_the_danger(text: str, expected: str) -> None:
    assert sanitize_markdown(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[docs](https://example.com/a)", "[docs](https://example.com/a)"),
        ("[docs](HTTP://example.com)", "[docs](HTTP://example.com)"),
        ("[docs](<https://example.com/a b>)", "[docs](https://example.com/a%20b)"),
        ('[docs](https://example.com/a_(b) "title")', "[docs](https://example.com/a_%28b%29)"),
    ],
)
def test_http_links_survive_with_a_clean_target(text: str, expected: str) -> None:
    assert sanitize_markdown(text) == expected


@pytest.mark.parametrize(
    "target",
    ["javascript:x", " JAVASCRIPT:x", "java\tscript:x", "&#x68;ttps:x", "/relative", "#top", ""],
)
def test_a_target_that_is_not_plainly_http_is_refused(target: str) -> None:
    assert safe_url(target) is None


_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "<", ">", "!", "\\", "&#", ";", ":", " ", "\n", "\t", "`", "\x00",
     "javascript", "JaVaScRiPt", "data", "https://ok.example", "x", "<!--", "-->", "img",
     "script", "&lt;", "&#91;", "&colon;", "*"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=60).map("".join))
def test_any_mix_of_markdown_syntax_comes_out_inert(text: str) -> None:
    _assert_inert(sanitize_markdown(text))


@given(st.text(max_size=300))
def test_any_text_comes_out_inert(text: str) -> None:
    _assert_inert(sanitize_markdown(text))


# The one road for user text (playbook.sanitize): normalise, then escape per target.


@pytest.mark.parametrize("payload", CORPUS)
def test_a_hostile_payload_shown_through_markdown_renders_nothing_live(payload: str) -> None:
    assert live_parts(payload) or payload.startswith(("`", "# ", "javascript", "[click"))

    assert live_parts(markdown(payload)) == []


@given(st.text())
def test_any_text_through_markdown_renders_nothing_live_on_one_line(text: str) -> None:
    shown = markdown(text)

    assert live_parts(shown) == []
    assert "\n" not in shown


@given(st.text())
def test_normalise_removes_every_hidden_character_and_keeps_the_rest(text: str) -> None:
    clean = normalise(text)

    assert not HIDDEN_CHARACTERS & set(clean)
    assert all(ch in text for ch in clean)
    assert normalise(clean) == clean


def test_normalise_strips_bidi_zero_width_and_controls_but_keeps_lines_and_tabs() -> None:
    text = "a\u202eb\u2066c\u2069d\u200be\u200df\u2060g\ufeffh\x00i\x07j\u200ek\u200fl\nm\tn"

    assert normalise(text) == "abcdefghijkl\nm\tn"


@given(st.text())
def test_a_code_span_holds_any_text_whatever_backticks_it_has(text: str) -> None:
    span = code(text)

    tokens = flat_tokens(MarkdownIt("gfm-like").parse(span))
    assert [t.type for t in tokens if t.type in ("image", "link_open", "html_inline")] == []
    if " ".join(normalise(text).split()).strip():
        assert any(t.type == "code_inline" for t in tokens)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 (cmd)", "'+1 (cmd)"),
        ("-5", "-5"),
        ("1,200", "1,200"),
        ("plain\u202e", "plain"),
    ],
)
def test_a_table_cell_is_never_read_as_a_spreadsheet_formula(value: str, shown: str) -> None:
    assert cell(value) == shown
