"""What a share token grants, enforced in `db` and not only by the page: reading one design,
commenting only when the link allows it, deleting only the comments its own browser session
wrote; the owner deletes any comment; long threads page. On SQLite and PostgreSQL."""

from __future__ import annotations

import secrets

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from db import (
    CommentNotDeletableError,
    CommentNotFoundError,
    ShareCommentsClosedError,
    ShareLinkError,
    add_comment,
    add_shared_comment,
    comment_page,
    create_share_link,
    delete_comment,
    delete_shared_comment,
    list_comments,
    list_revisions,
    list_share_links,
    open_shared_design,
    resolve_comment,
    revoke_share_link,
    save_design,
    save_revision,
    shared_comment_page,
    upgrade,
)
from db.migrate import alembic_config
from playbook import Design


def _saved(engine: Engine, title: str = "Shared") -> int:
    return save_design(engine, Design(title=title, author="Ana")).id


def _visitor() -> str:
    """Return a fresh author token, as a visitor's browser session holds one."""
    return secrets.token_urlsafe(32)


def _say(engine: Engine, token: str, author_token: str, body: str = "a remark") -> int:
    added = add_shared_comment(
        engine, token, author_token=author_token, author="Grace", body=body, phase="serving"
    )
    return added.id


def test_a_new_link_is_read_only_and_refuses_comments(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id)

    with pytest.raises(ShareCommentsClosedError, match="does not allow comments"):
        _say(engine, link.token, _visitor())

    assert not link.allow_comments
    assert not open_shared_design(engine, link.token).allow_comments
    assert not list_share_links(engine, design_id)[0].allow_comments
    assert list_comments(engine, design_id) == []


def test_a_link_that_allows_comments_adds_them_on_the_revision_it_shows(engine: Engine) -> None:
    design_id = _saved(engine)
    save_revision(engine, design_id, Design(title="Shared v2"), base_revision=1)
    link = create_share_link(engine, design_id, allow_comments=True)

    comment_id = _say(engine, link.token, _visitor(), "Why one replica?")

    (stored,) = list_comments(engine, design_id)
    assert (stored.id, stored.body, stored.revision) == (comment_id, "Why one replica?", 2)
    assert list_share_links(engine, design_id)[0].allow_comments


def test_the_shared_view_knows_its_revision_and_when_it_was_saved(engine: Engine) -> None:
    design_id = _saved(engine)
    save_revision(engine, design_id, Design(title="v2", author="Bo"), base_revision=1)
    save_revision(engine, design_id, Design(title="v3", author="Cy"), base_revision=2)
    link = create_share_link(engine, design_id)

    shared = open_shared_design(engine, link.token)

    newest = max(list_revisions(engine, design_id), key=lambda r: r.number)
    assert (shared.revision, shared.revisions, shared.design.title) == (3, 3, "v3")
    assert (shared.saved_at, shared.saved_by) == (newest.created_at, "Cy")
    assert shared.saved_at.tzinfo is not None


def test_a_token_reads_the_comments_of_its_own_design_only(engine: Engine) -> None:
    shared_id, other_id = _saved(engine, "shared"), _saved(engine, "other")
    add_comment(engine, other_id, author="Ana", body="private to other", phase="model")
    add_comment(engine, shared_id, author="Ana", body="on the shared one", phase="model")
    link = create_share_link(engine, shared_id)

    page = shared_comment_page(engine, link.token)

    assert [c.body for c in page.items] == ["on the shared one"]
    assert page.total == 1


def test_a_visitor_deletes_their_own_comment_and_it_leaves_the_thread(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id, allow_comments=True)
    me = _visitor()
    kept, gone = _say(engine, link.token, me, "kept"), _say(engine, link.token, me, "gone")

    delete_shared_comment(engine, link.token, gone, author_token=me)

    assert [c.id for c in list_comments(engine, design_id)] == [kept]
    page = shared_comment_page(engine, link.token, author_token=me)
    assert [(c.id, c.mine) for c in page.items] == [(kept, True)]
    assert shared_comment_page(engine, link.token, author_token=_visitor()).items[0].mine is False


@pytest.mark.parametrize("whose", ["another visitor", "the owner", "no such comment"])
def test_a_visitor_cannot_delete_a_comment_they_did_not_write(engine: Engine, whose: str) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id, allow_comments=True)
    if whose == "another visitor":
        target = _say(engine, link.token, _visitor())
    elif whose == "the owner":
        target = add_comment(engine, design_id, author="Ana", body="mine", phase="model").id
    else:
        target = 999_999

    with pytest.raises(CommentNotDeletableError):
        delete_shared_comment(engine, link.token, target, author_token=_visitor())

    assert len(list_comments(engine, design_id)) == (0 if whose == "no such comment" else 1)


def test_a_visitor_cannot_delete_their_comment_on_another_design_through_this_link(
    engine: Engine,
) -> None:
    first, second = _saved(engine, "first"), _saved(engine, "second")
    me = _visitor()
    link_1 = create_share_link(engine, first, allow_comments=True)
    link_2 = create_share_link(engine, second, allow_comments=True)
    on_second = _say(engine, link_2.token, me)

    with pytest.raises(CommentNotDeletableError):
        delete_shared_comment(engine, link_1.token, on_second, author_token=me)

    assert len(list_comments(engine, second)) == 1


def test_a_revoked_link_can_neither_read_comment_nor_delete(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id, allow_comments=True)
    me = _visitor()
    comment_id = _say(engine, link.token, me)

    revoke_share_link(engine, link.id)

    for attempt in (
        lambda: open_shared_design(engine, link.token),
        lambda: shared_comment_page(engine, link.token),
        lambda: _say(engine, link.token, me),
        lambda: delete_shared_comment(engine, link.token, comment_id, author_token=me),
    ):
        with pytest.raises(ShareLinkError):
            attempt()
    assert len(list_comments(engine, design_id)) == 1


def test_the_owner_deletes_any_comment_once(engine: Engine) -> None:
    design_id = _saved(engine)
    link = create_share_link(engine, design_id, allow_comments=True)
    visitors = _say(engine, link.token, _visitor())
    owners = add_comment(engine, design_id, author="Ana", body="note", phase="model").id

    delete_comment(engine, visitors)
    delete_comment(engine, owners)

    assert list_comments(engine, design_id) == []
    with pytest.raises(CommentNotFoundError):
        delete_comment(engine, owners)
    with pytest.raises(CommentNotFoundError):
        resolve_comment(engine, owners)


def test_the_author_token_is_stored_only_as_its_hash(engine: Engine) -> None:
    link = create_share_link(engine, _saved(engine), allow_comments=True)
    me = _visitor()

    _say(engine, link.token, me)

    with engine.connect() as connection:
        stored = repr(connection.execute(text("SELECT * FROM comments")).all())
    assert me not in stored


def test_a_long_thread_pages_oldest_first_with_its_totals(engine: Engine) -> None:
    design_id = _saved(engine)
    ids = [
        add_comment(engine, design_id, author="Bo", body=f"#{n}", phase="model").id
        for n in range(45)
    ]
    resolve_comment(engine, ids[0])
    delete_comment(engine, ids[1])  # 44 left: pages of 20, 20 and 4

    pages = [comment_page(engine, design_id, offset=offset) for offset in (0, 20, 40, 500)]

    assert [len(p.items) for p in pages] == [20, 20, 4, 4]
    assert pages[0].items[0].body == "#0"
    assert pages[1].items[0].body == "#21"
    assert pages[3].offset == 40  # past the end: the last page
    assert {(p.total, p.open) for p in pages} == {(44, 43)}
    with pytest.raises(ValueError, match="limit"):
        comment_page(engine, design_id, limit=0)


def test_links_made_before_0003_keep_allowing_comments(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002")
    with empty_engine.begin() as connection:
        # Written as 0002 had it (save_design writes the owner column 0004 adds).
        design_id = connection.execute(
            text(
                "INSERT INTO designs (title, scenario, author, search_text, latest_revision) "
                "VALUES ('Shared', '', 'Ana', 'shared', 1) RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text("INSERT INTO share_links (design_id, token_sha256) VALUES (:id, :hash)"),
            {"id": design_id, "hash": "0" * 64},
        )

    upgrade(empty_engine)

    (old,) = list_share_links(empty_engine, design_id)
    new = create_share_link(empty_engine, design_id)
    assert old.allow_comments
    assert not new.allow_comments
    with empty_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO share_links (design_id, token_sha256) VALUES (:id, :hash)"),
            {"id": design_id, "hash": "1" * 64},
        )
        flag = connection.execute(
            text("SELECT allow_comments FROM share_links WHERE token_sha256 = :hash"),
            {"hash": "1" * 64},
        ).scalar_one()
    assert not flag  # a row inserted without the column is read-only too


def test_downgrading_0003_removes_deleted_comments_for_good(engine: Engine) -> None:
    design_id = _saved(engine)
    kept = add_comment(engine, design_id, author="Bo", body="kept", phase="model")
    gone = add_comment(engine, design_id, author="Bo", body="gone", phase="model")
    delete_comment(engine, gone.id)

    with engine.begin() as connection:
        config = alembic_config(connection)
        before = ScriptDirectory.from_config(config).get_revision("0003_share").down_revision
        command.downgrade(config, str(before))

    with engine.connect() as connection:
        left = connection.execute(text("SELECT id FROM comments")).scalars().all()
    assert left == [kept.id]
