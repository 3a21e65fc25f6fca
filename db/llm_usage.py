"""The LLM budget's ledger: one row per call on the server's key, shared by every replica.

`start_call` decides and records in one short transaction, so two replicas cannot both let a
user's last call through: SQLite takes its write lock up front (BEGIN IMMEDIATE), PostgreSQL a
per-user advisory lock. The call itself runs outside any transaction; `finish_call` then writes
the tokens it used. No key, prompt or answer is stored.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db.models import SHORT_TEXT, LlmUsageRow
from db.session import as_utc, column_text, reading, utc_now, writing
from playbook.llm_budget import DAY, Budget, Standing, Use, standing

Outcome = Literal["answered", "failed"]
# The first key of PostgreSQL's two-key advisory locks: this ledger's, apart from any other.
_LOCK_SPACE: Final = 0x4C4C4D  # "LLM"


def usage(engine: Engine, user_id: str, *, now: datetime | None = None) -> list[Use]:
    """Return `user_id`'s calls of the last 24 hours before `now`, oldest first."""
    with reading(engine) as session:
        return _uses(session, _user(user_id), as_utc(now or utc_now()))


def current_standing(
    engine: Engine, user_id: str, budget: Budget, *, now: datetime | None = None
) -> Standing:
    """Return where `user_id` stands against `budget` at `now` (default: the current time)."""
    moment = as_utc(now or utc_now())
    return standing(usage(engine, user_id, now=moment), budget, moment)


def start_call(
    engine: Engine,
    user_id: str,
    *,
    model: str,
    budget: Budget,
    tokens: int = 0,
    now: datetime | None = None,
) -> tuple[Standing, int | None]:
    """Record a call by `user_id` if the budget allows it; return the standing and its row id.

    The id is None when the budget refuses (nothing is recorded). `tokens` is what the call is
    known to use before it starts (its prompt); `finish_call` sets the final count.
    """
    user, moment = _user(user_id), as_utc(now or utc_now())
    with writing(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(:space, :key)"),
                {"space": _LOCK_SPACE, "key": _lock_key(user)},
            )
        decided = standing(_uses(session, user, moment), budget, moment)
        if not decided.allowed:
            return decided, None
        row = LlmUsageRow(
            user_id=user, model=column_text(model)[:SHORT_TEXT], started_at=moment,
            tokens=max(tokens, 0), outcome="running",
        )  # fmt: skip
        session.add(row)
        session.flush()
        return decided, row.id


def finish_call(
    engine: Engine, call_id: int, *, tokens: int, outcome: Outcome, now: datetime | None = None
) -> None:
    """Record that call `call_id` ended, with the tokens it used (never fewer than recorded)."""
    with writing(engine) as session:
        row = session.get(LlmUsageRow, call_id)
        if row is None:
            raise LookupError(f"no LLM call {call_id}")
        row.tokens = max(row.tokens, tokens)
        row.outcome = outcome
        row.finished_at = as_utc(now or utc_now())


def _uses(session: Session, user: str, now: datetime) -> list[Use]:
    rows = session.execute(
        select(LlmUsageRow.started_at, LlmUsageRow.tokens)
        .where(LlmUsageRow.user_id == user, LlmUsageRow.started_at > now - DAY)
        .order_by(LlmUsageRow.started_at, LlmUsageRow.id)
    )
    return [Use(as_utc(started), tokens) for started, tokens in rows]


def _user(user_id: str) -> str:
    """Return the id as stored: at most SHORT_TEXT characters (a longer one by its hash)."""
    user = column_text(user_id)
    if len(user) <= SHORT_TEXT:
        return user
    return "sha256:" + hashlib.sha256(user.encode()).hexdigest()


def _lock_key(user: str) -> int:
    """Return a signed 32-bit key for `user` (PostgreSQL's advisory lock keys are int4 pairs)."""
    return int.from_bytes(hashlib.sha256(user.encode()).digest()[:4], "big", signed=True)
