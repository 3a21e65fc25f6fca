"""Model-written Markdown is rendered without HTML, images or links other than http(s)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook.sanitize import safe_url, sanitize_markdown

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
