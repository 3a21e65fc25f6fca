"""Owners and access, enforced in `db` (not only by hidden buttons), on SQLite and PostgreSQL.

Ada owns a design. Grace is another signed-in user; Hopper is a stranger. A design is private
to its owner until shared with named people or the workspace ("*") as reviewer or editor; only
the owner deletes, restores, shares by link and changes access.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, text

from db import (
    WORKSPACE,
    AccessDenied,
    add_comment,
    comment_page,
    create_share_link,
    delete_comment,
    delete_design,
    design_role,
    duplicate_design,
    export_design,
    grant_access,
    latest_revision,
    list_access,
    list_comments,
    list_designs,
    list_revisions,
    list_share_links,
    load_design,
    resolve_comment,
    restore_design,
    revoke_access,
    revoke_share_link,
    save_design,
    save_revision,
    upgrade,
)
from db.migrate import alembic_config
from playbook import Design

ADA, GRACE, HOPPER = "oidc:ada", "oidc:grace", "oidc:hopper"


def _ada_saves(engine: Engine, title: str = "Ada's design") -> int:
    return save_design(engine, Design(title=title, author="Ada"), user=ADA).id


def _ids(engine: Engine, user: str, **filters: object) -> set[int]:
    return {item.id for item in list_designs(engine, user=user, **filters).items}  # type: ignore[arg-type]


def test_a_new_design_belongs_to_its_creator_and_nobody_else_sees_it(engine: Engine) -> None:
    design_id = _ada_saves(engine)

    assert list_designs(engine, user=ADA).items[0].owner == ADA
    assert list_designs(engine, user=ADA).items[0].role == "owner"
    assert _ids(engine, GRACE) == set()
    assert list_designs(engine, user=GRACE).total == 0
    assert _ids(engine, "local") == set()  # the no-sign-in user is not Ada either
    for read in (load_design, latest_revision, list_revisions, export_design, comment_page):
        with pytest.raises(AccessDenied):
            read(engine, design_id, user=GRACE)  # type: ignore[operator]
    with pytest.raises(AccessDenied):
        duplicate_design(engine, design_id, title="Mine now", user=GRACE)


def test_a_reviewer_reads_and_comments_but_cannot_save_delete_or_share(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=GRACE, role="reviewer", user=ADA)

    assert load_design(engine, design_id, user=GRACE).title == "Ada's design"
    assert design_role(engine, design_id, user=GRACE) == "reviewer"
    (listed,) = list_designs(engine, user=GRACE).items
    assert (listed.id, listed.role, listed.owner) == (design_id, "reviewer", ADA)
    comment = add_comment(
        engine, design_id, author="Grace", body="Why two rerankers?", phase="model", user=GRACE
    )
    resolve_comment(engine, comment.id, user=GRACE)
    assert [c.body for c in list_comments(engine, design_id, user=ADA)] == ["Why two rerankers?"]

    with pytest.raises(AccessDenied, match="save a revision"):
        save_revision(engine, design_id, Design(title="Grace's take"), base_revision=1, user=GRACE)
    for owner_only in (delete_design, restore_design, create_share_link, list_share_links):
        with pytest.raises(AccessDenied):
            owner_only(engine, design_id, user=GRACE)  # type: ignore[operator]
    with pytest.raises(AccessDenied):
        grant_access(engine, design_id, grantee=HOPPER, role="reviewer", user=GRACE)
    with pytest.raises(AccessDenied):
        revoke_access(engine, design_id, grantee=GRACE, user=GRACE)
    with pytest.raises(AccessDenied):
        list_access(engine, design_id, user=GRACE)
    assert latest_revision(engine, design_id, user=ADA) == 1  # nothing was saved
    assert not list_designs(engine, user=ADA).items[0].deleted


def test_an_editor_saves_revisions_but_still_cannot_delete_or_share(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=GRACE, role="editor", user=ADA)

    result = save_revision(
        engine, design_id, Design(title="Grace's take", author="Grace"), base_revision=1,
        user=GRACE,
    )  # fmt: skip

    assert (result.revision, result.summary.role) == (2, "editor")
    assert load_design(engine, design_id, user=ADA).title == "Grace's take"
    assert list_designs(engine, user=ADA).items[0].owner == ADA  # saving does not take it over
    with pytest.raises(AccessDenied):
        delete_design(engine, design_id, user=GRACE)
    with pytest.raises(AccessDenied):
        create_share_link(engine, design_id, user=GRACE)


def test_sharing_with_the_workspace_reaches_every_signed_in_user_only(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=WORKSPACE, role="reviewer", user=ADA)

    assert _ids(engine, GRACE) == _ids(engine, HOPPER) == {design_id}
    assert design_role(engine, design_id, user=HOPPER) == "reviewer"
    assert _ids(engine, "local") == set()  # without sign-in there is no workspace
    # A named grant as editor outranks the workspace's reviewer grant.
    grant_access(engine, design_id, grantee=GRACE, role="editor", user=ADA)
    assert design_role(engine, design_id, user=GRACE) == "editor"
    assert design_role(engine, design_id, user=HOPPER) == "reviewer"


def test_granting_again_changes_the_role_and_revoking_takes_it_away(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=GRACE, role="reviewer", user=ADA)
    grant_access(engine, design_id, grantee=GRACE, role="editor", user=ADA)
    grant_access(engine, design_id, grantee=WORKSPACE, role="reviewer", user=ADA)

    grants = list_access(engine, design_id, user=ADA)
    assert [(g.grantee, g.role) for g in grants] == [(WORKSPACE, "reviewer"), (GRACE, "editor")]

    revoke_access(engine, design_id, grantee=GRACE, user=ADA)
    revoke_access(engine, design_id, grantee=WORKSPACE, user=ADA)
    assert list_access(engine, design_id, user=ADA) == []
    assert _ids(engine, GRACE) == set()
    with pytest.raises(AccessDenied):
        load_design(engine, design_id, user=GRACE)


def test_bad_grants_name_the_field(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    with pytest.raises(ValueError, match="role"):
        grant_access(engine, design_id, grantee=GRACE, role="owner", user=ADA)
    with pytest.raises(ValueError, match="grantee"):
        grant_access(engine, design_id, grantee="  ", role="reviewer", user=ADA)
    with pytest.raises(ValueError, match="grantee"):
        grant_access(engine, design_id, grantee=ADA, role="reviewer", user=ADA)
    with pytest.raises(ValueError, match="grantee"):
        grant_access(engine, design_id, grantee="g" * 201, role="reviewer", user=ADA)


def test_listing_and_search_return_own_and_granted_designs_only(engine: Engine) -> None:
    mine = _ada_saves(engine, "Ada's retrieval")
    private = _ada_saves(engine, "Ada's private retrieval")
    graces = save_design(engine, Design(title="Grace's retrieval"), user=GRACE).id
    strangers = save_design(engine, Design(title="Hopper's retrieval"), user=HOPPER).id
    grant_access(engine, mine, grantee=GRACE, role="reviewer", user=ADA)

    assert _ids(engine, GRACE) == {mine, graces}
    assert _ids(engine, GRACE, query="retrieval") == {mine, graces}
    assert list_designs(engine, user=GRACE, query="retrieval").total == 2
    assert _ids(engine, ADA) == {mine, private}
    assert _ids(engine, HOPPER) == {strangers}
    roles = {item.id: item.role for item in list_designs(engine, user=GRACE).items}
    assert roles == {mine: "reviewer", graces: "owner"}


def test_a_deleted_design_leaves_the_grantees_list_and_only_the_owner_restores_it(
    engine: Engine,
) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=GRACE, role="editor", user=ADA)
    delete_design(engine, design_id, user=ADA)

    assert _ids(engine, GRACE, include_deleted=True) == set()
    assert _ids(engine, ADA, only_deleted=True) == {design_id}
    with pytest.raises(AccessDenied):
        restore_design(engine, design_id, user=GRACE)
    restore_design(engine, design_id, user=ADA)
    assert _ids(engine, GRACE) == {design_id}


def test_comments_are_deleted_by_their_author_or_the_owner_only(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=WORKSPACE, role="reviewer", user=ADA)
    by_grace = add_comment(engine, design_id, author="Grace", body="g", phase="model", user=GRACE)
    by_hopper = add_comment(engine, design_id, author="Hop", body="h", phase="model", user=HOPPER)

    with pytest.raises(AccessDenied, match="another person's comment"):
        delete_comment(engine, by_hopper.id, user=GRACE)
    delete_comment(engine, by_grace.id, user=GRACE)
    delete_comment(engine, by_hopper.id, user=ADA)
    assert list_comments(engine, design_id, user=ADA) == []
    with engine.connect() as connection:
        authors = connection.execute(text("SELECT author_id FROM comments ORDER BY id")).scalars()
        assert list(authors) == [GRACE, HOPPER]


def test_share_links_record_their_maker_and_only_the_owner_revokes(engine: Engine) -> None:
    design_id = _ada_saves(engine)
    grant_access(engine, design_id, grantee=GRACE, role="editor", user=ADA)
    link = create_share_link(engine, design_id, user=ADA)

    with pytest.raises(AccessDenied):
        revoke_share_link(engine, link.id, user=GRACE)
    revoke_share_link(engine, link.id, user=ADA)
    assert list_share_links(engine, design_id, user=ADA)[0].revoked
    with engine.connect() as connection:
        made_by = connection.execute(text("SELECT created_by FROM share_links")).scalar_one()
    assert made_by == ADA


def test_without_sign_in_everything_is_the_local_users(engine: Engine) -> None:
    # The single-user app passes no user: everything is "local"'s, as before owners existed.
    design_id = save_design(engine, Design(title="Local")).id
    comment = add_comment(engine, design_id, author="Me", body="b", phase="model")
    create_share_link(engine, design_id)
    save_revision(engine, design_id, Design(title="Local 2"), base_revision=1)
    delete_comment(engine, comment.id)
    delete_design(engine, design_id)
    restore_design(engine, design_id)
    (item,) = list_designs(engine).items
    assert (item.owner, item.role, item.revision) == ("local", "owner", 2)


def test_0004_gives_existing_rows_the_local_owner(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003_share")
        design_id = connection.execute(
            text(
                "INSERT INTO designs (title, scenario, author, search_text, latest_revision) "
                "VALUES ('Old', '', 'Ana', 'old', 1) RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO design_revisions (design_id, number, title, author, schema_version,"
                " body) VALUES (:id, 1, 'Old', 'Ana', 1, :body)"
            ),
            {"id": design_id, "body": Design(title="Old").model_dump_json()},
        )
        connection.execute(
            text(
                "INSERT INTO comments (design_id, author, body, phase, source) "
                "VALUES (:id, 'Bo', 'kept', 'model', 'reviewer')"
            ),
            {"id": design_id},
        )
        connection.execute(
            text("INSERT INTO share_links (design_id, token_sha256) VALUES (:id, :hash)"),
            {"id": design_id, "hash": "0" * 64},
        )

    upgrade(empty_engine)

    with empty_engine.connect() as connection:
        owners = connection.execute(
            text(
                "SELECT d.owner, c.author_id, s.created_by FROM designs d "
                "JOIN comments c ON c.design_id = d.id JOIN share_links s ON s.design_id = d.id"
            )
        ).one()
    assert tuple(owners) == ("local", "local", "local")
    assert [item.id for item in list_designs(empty_engine).items] == [design_id]
    assert list_designs(empty_engine, user=ADA).total == 0

    with empty_engine.begin() as connection:  # and back: the rows survive the downgrade
        command.downgrade(alembic_config(connection), "0003_share")
    with empty_engine.connect() as connection:
        counts = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM designs), (SELECT count(*) FROM comments), "
                "(SELECT count(*) FROM share_links), (SELECT count(*) FROM design_revisions)"
            )
        ).one()
    assert tuple(counts) == (1, 1, 1, 1)
