"""Who may do what with a saved design: its owner, the people it is shared with, nobody else.

A design belongs to the user who created it (`designs.owner`: "oidc:<sub>" when signed in,
"local" without sign-in). The owner may share it in `design_access` with named user ids or with
"*", the whole workspace (every signed-in user), as a **reviewer** (read and comment) or an
**editor** (read, comment and save new revisions). Only the owner deletes, restores, shares by
link and changes access. Every function of `db` that touches a design takes the acting user and
checks it here, inside its own transaction; a refusal is `AccessDeniedError`, which the page turns
into a message. Without sign-in every user is "local", who owns everything: nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, get_args

from sqlalchemy import ColumnElement, Engine, and_, or_, select
from sqlalchemy.orm import Session

from db.models import LOCAL_OWNER, SHORT_TEXT, DesignAccessRow, DesignRow
from db.records import WORKSPACE, AccessDeniedError, Grant, GrantRole, Role
from db.session import as_utc, head_row, reading, utc_now, writing

LOCAL: Final = LOCAL_OWNER
GRANT_ROLES: Final[tuple[str, ...]] = get_args(GrantRole)
# What each role may do includes what the roles below it may: owner > editor > reviewer.
_RANK: Final[dict[str, int]] = {"reviewer": 1, "editor": 2, "owner": 3}


def grantees(user: str) -> list[str]:
    """Return the grantees whose grants apply to `user`: the user, and the workspace when signed
    in (the local user of an app without sign-in is not a member of any workspace)."""
    return [user] if user == LOCAL else [user, WORKSPACE]


def visible(user: str) -> ColumnElement[bool]:
    """Return the condition on `designs` for what `user` may list: their own designs (deleted or
    not) and the live designs shared with them."""
    shared = select(DesignAccessRow.design_id).where(DesignAccessRow.grantee.in_(grantees(user)))
    return or_(
        DesignRow.owner == user, and_(DesignRow.id.in_(shared), DesignRow.deleted_at.is_(None))
    )


def role_in(session: Session, head: DesignRow, user: str) -> Role | None:
    """Return what `user` may do with the design `head`, or None when it is not shared with them."""
    if head.owner == user:
        return "owner"
    query = select(DesignAccessRow.role).where(
        DesignAccessRow.design_id == head.id, DesignAccessRow.grantee.in_(grantees(user))
    )
    return _best(session.scalars(query))


def roles_in(session: Session, heads: Iterable[DesignRow], user: str) -> dict[int, Role]:
    """Return `user`'s role on each of `heads` that they may see (one query for all of them)."""
    roles: dict[int, Role] = {}
    others = []
    for head in heads:
        if head.owner == user:
            roles[head.id] = "owner"
        else:
            others.append(head.id)
    if others:
        query = select(DesignAccessRow.design_id, DesignAccessRow.role).where(
            DesignAccessRow.design_id.in_(others), DesignAccessRow.grantee.in_(grantees(user))
        )
        found: dict[int, list[str]] = {}
        for design_id, role in session.execute(query):
            found.setdefault(design_id, []).append(role)
        for design_id, granted in found.items():
            if (best := _best(granted)) is not None:
                roles[design_id] = best
    return roles


def require(
    session: Session, design_id: int, user: str, need: Role, action: str, *, lock: bool = False
) -> tuple[DesignRow, Role]:
    """Return the head row of `design_id` and `user`'s role on it, when that role is at least
    `need`; raise `DesignNotFoundError` when there is no such design, `AccessDeniedError` (naming
    `action`) when the user may not."""
    head = head_row(session, design_id, lock=lock)
    role = role_in(session, head, user)
    if role is None or _RANK[role] < _RANK[need]:
        raise AccessDeniedError(design_id, action)
    return head, role


def design_role(engine: Engine, design_id: int, *, user: str = LOCAL) -> Role:
    """Return what `user` may do with `design_id` ("owner", "editor" or "reviewer")."""
    with reading(engine) as session:
        return require(session, design_id, user, "reviewer", "open")[1]


def list_access(engine: Engine, design_id: int, *, user: str = LOCAL) -> list[Grant]:
    """Return the grants of `design_id`, the workspace first, then by grantee (owner only)."""
    query = select(DesignAccessRow).where(DesignAccessRow.design_id == design_id)
    with reading(engine) as session:
        require(session, design_id, user, "owner", "see who has access to")
        rows = sorted(session.scalars(query), key=lambda r: (r.grantee != WORKSPACE, r.grantee))
        return [_grant(row) for row in rows]


def grant_access(
    engine: Engine, design_id: int, *, grantee: str, role: str, user: str = LOCAL
) -> Grant:
    """Share `design_id` with `grantee` (a user id, or "*" for the workspace) as `role`; granting
    again changes the role. Only the owner may; raise ValueError naming the field when the
    grantee or role is not acceptable."""
    grantee = grantee.strip()
    if not grantee:
        raise ValueError("grantee: must not be empty")
    if len(grantee) > SHORT_TEXT:
        raise ValueError(f"grantee: at most {SHORT_TEXT} characters, not {len(grantee)}")
    if role not in GRANT_ROLES:
        raise ValueError(f"role: {role!r} is not one of: {', '.join(GRANT_ROLES)}")
    with writing(engine) as session:
        head, _ = require(session, design_id, user, "owner", "share", lock=True)
        if grantee in (head.owner, LOCAL):
            raise ValueError(f"grantee: {grantee} owns this design or cannot sign in")
        query = select(DesignAccessRow).where(
            DesignAccessRow.design_id == design_id, DesignAccessRow.grantee == grantee
        )
        row = session.scalars(query).first()
        if row is None:
            row = DesignAccessRow(
                design_id=design_id, grantee=grantee, role=role, created_at=utc_now()
            )
            session.add(row)
        else:
            row.role = role
        session.flush()
        return _grant(row)


def revoke_access(engine: Engine, design_id: int, *, grantee: str, user: str = LOCAL) -> None:
    """Stop sharing `design_id` with `grantee` (owner only; revoking what was not granted is
    fine)."""
    with writing(engine) as session:
        require(session, design_id, user, "owner", "change who has access to")
        query = select(DesignAccessRow).where(
            DesignAccessRow.design_id == design_id, DesignAccessRow.grantee == grantee.strip()
        )
        for row in session.scalars(query):
            session.delete(row)


def _best(roles: Iterable[str]) -> Role | None:
    best: Role | None = None
    for role in roles:
        if role == "editor":
            return "editor"
        if role == "reviewer":
            best = "reviewer"
    return best


def _grant(row: DesignAccessRow) -> Grant:
    return Grant(
        design_id=row.design_id,
        grantee=row.grantee,
        role="editor" if row.role == "editor" else "reviewer",
        created_at=as_utc(row.created_at),
    )
