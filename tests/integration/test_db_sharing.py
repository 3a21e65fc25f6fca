"""Share links: a 256-bit token handed out once, only its hash stored, read-only, expiring,
revocable, and one message for every link that does not work; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import inspect
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

import db
from db import (
    SHARE_LINK_MESSAGE,
    ShareLinkError,
    ShareLinkNotFoundError,
    add_comment,
    create_share_link,
    delete_design,
    list_share_links,
    load_design,
    open_shared_design,
    open_shared_view,
    resolve_share_link,
    restore_design,
    revoke_share_link,
    save_design,
    save_revision,
    shared_comment_page,
)
from playbook import Design


def _saved(engine: Engine, title: str = "Shared design") -> int:
    return save_design(engine, Design(title=title, author="Ana")).id


def _refused(engine: Engine, token: str, **options: datetime) -> str:
    with pytest.raises(ShareLinkError) as raised:
        resolve_share_link(engine, token, **options)
    return str(raised.value)


def test_a_link_opens_the_newest_revision_of_its_design(engine: Engine) -> None:
    design_id = _saved(engine, "first")
    link = create_share_link(engine, design_id)
    save_revision(engine, design_id, Design(title="second"), base_revision=1)

    shared_id, design = resolve_share_link(engine, link.token)

    assert shared_id == design_id == link.design_id
    assert design == load_design(engine, design_id)
    assert design.title == "second"


def test_a_token_carries_256_random_bits_in_url_safe_characters(engine: Engine) -> None:
    design_id = _saved(engine)

    tokens = [create_share_link(engine, design_id).token for _ in range(20)]

    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)
    assert len(set(tokens)) == 20
    assert 43 * 6 >= 256  # 43 base64url characters hold the 32 random bytes


def test_only_the_tokens_hash_is_stored(engine: Engine) -> None:
    link = create_share_link(engine, _saved(engine))

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM share_links")).all()
        stored = repr(rows)

    assert link.token not in stored
    assert hashlib.sha256(link.token.encode()).hexdigest() in stored


def test_the_token_appears_nowhere_in_the_sqlite_files(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'share.db'}")
    db.upgrade(engine)
    token = create_share_link(engine, _saved(engine)).token
    resolve_share_link(engine, token)
    engine.dispose()

    contents = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())

    assert token.encode() not in contents
    assert hashlib.sha256(token.encode()).hexdigest().encode() in contents


def test_the_link_list_shows_no_token(engine: Engine) -> None:
    design_id = _saved(engine)
    first = create_share_link(engine, design_id)
    second = create_share_link(engine, design_id, expires_at=datetime.now(UTC) + timedelta(1))

    listed = list_share_links(engine, design_id)

    assert [link.id for link in listed] == [second.id, first.id]
    assert [link.revoked for link in listed] == [False, False]
    assert listed[0].expires_at == second.expires_at
    assert all(not hasattr(link, "token") for link in listed)


def test_no_write_call_accepts_a_token() -> None:
    writers = [
        db.save_revision, db.delete_design, db.restore_design, db.add_comment,
        db.resolve_comment, db.duplicate_design, db.revoke_share_link,
    ]  # fmt: skip

    parameters = {name for call in writers for name in inspect.signature(call).parameters}

    assert "token" not in parameters


def test_an_expired_link_gets_the_common_message(engine: Engine) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    link = create_share_link(engine, _saved(engine), expires_at=expires)

    before = resolve_share_link(engine, link.token, now=expires - timedelta(seconds=1))
    message = _refused(engine, link.token, now=expires)

    assert before[0] == link.design_id
    assert message == SHARE_LINK_MESSAGE


def test_an_expiry_in_the_past_is_refused_when_creating(engine: Engine) -> None:
    design_id = _saved(engine)

    with pytest.raises(ValueError, match="expires_at: must be in the future"):
        create_share_link(engine, design_id, expires_at=datetime.now(UTC) - timedelta(1))

    assert list_share_links(engine, design_id) == []


def test_a_naive_expiry_is_taken_as_utc(engine: Engine) -> None:
    naive = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=2)

    link = create_share_link(engine, _saved(engine), expires_at=naive)

    assert link.expires_at == naive.replace(tzinfo=UTC)


def test_a_revoked_link_stops_working_at_once_and_says_revoked_in_the_list(
    engine: Engine,
) -> None:
    design_id = _saved(engine)
    revoked, kept = create_share_link(engine, design_id), create_share_link(engine, design_id)

    revoke_share_link(engine, revoked.id)
    revoke_share_link(engine, revoked.id)  # twice is harmless

    assert _refused(engine, revoked.token) == SHARE_LINK_MESSAGE
    assert resolve_share_link(engine, kept.token)[0] == design_id
    assert {link.id: link.revoked for link in list_share_links(engine, design_id)} == {
        revoked.id: True, kept.id: False,
    }  # fmt: skip


def test_revoking_an_unknown_link_raises_not_found(engine: Engine) -> None:
    with pytest.raises(ShareLinkNotFoundError, match="4711"):
        revoke_share_link(engine, 4711)


def test_a_deleted_designs_links_stop_working_until_it_is_restored(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id)

    delete_design(engine, design_id)
    message = _refused(engine, link.token)
    restore_design(engine, design_id)

    assert message == SHARE_LINK_MESSAGE
    assert resolve_share_link(engine, link.token)[0] == design_id


def test_a_deleted_design_cannot_be_shared(engine: Engine) -> None:
    design_id = _saved(engine)
    delete_design(engine, design_id)

    with pytest.raises(ValueError, match="deleted: restore it"):
        create_share_link(engine, design_id)


def test_sharing_a_missing_design_raises_not_found(engine: Engine) -> None:
    with pytest.raises(db.DesignNotFoundError):
        create_share_link(engine, 999)


@pytest.mark.parametrize(
    "garbled",
    [
        "",
        "x",
        "A" * 43,  # the right shape, but never issued
        "A" * 44,
        "'; DROP TABLE share_links; --",
        "%00" * 20,
        "é" * 43,
        "\x00" * 43,
    ],
)
def test_a_wrong_or_garbled_token_gets_the_same_message(engine: Engine, garbled: str) -> None:
    create_share_link(engine, _saved(engine))

    assert _refused(engine, garbled) == SHARE_LINK_MESSAGE


def test_a_token_with_one_character_changed_does_not_open_the_design(engine: Engine) -> None:
    token = create_share_link(engine, _saved(engine)).token
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert _refused(engine, changed) == SHARE_LINK_MESSAGE


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(anything=st.text(max_size=100) | st.from_regex(r"[A-Za-z0-9_-]{43}", fullmatch=True))
def test_any_other_text_is_refused_with_the_same_message(engine: Engine, anything: str) -> None:
    assert _refused(engine, anything) == SHARE_LINK_MESSAGE


def test_the_shared_view_reads_the_design_and_its_comments_in_one_call(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id, allow_comments=True)
    for n in range(3):
        add_comment(engine, design_id, author="Bo", body=f"note {n}", phase="model")

    shared, page = open_shared_view(engine, link.token, offset=1, limit=2)

    assert shared == open_shared_design(engine, link.token)
    assert page == shared_comment_page(engine, link.token, offset=1, limit=2)
    assert [c.body for c in page.items] == ["note 1", "note 2"]
    revoke_share_link(engine, link.id)
    with pytest.raises(ShareLinkError, match=re.escape(SHARE_LINK_MESSAGE)):
        open_shared_view(engine, link.token)
