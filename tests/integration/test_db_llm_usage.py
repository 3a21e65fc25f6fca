"""The LLM budget's ledger on SQLite and PostgreSQL: calls recorded, limits shared, no key kept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from db import llm_usage, make_engine
from db.models import LlmUsageRow
from playbook.llm_budget import Budget, Use

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
BUDGET = Budget(calls_per_hour=3, tokens_per_day=1_000, models=("m",))


def test_a_call_is_recorded_then_finished_with_its_tokens(engine: Engine) -> None:
    before, call_id = llm_usage.start_call(
        engine, "ana", model="m", budget=BUDGET, tokens=40, now=NOW
    )
    assert call_id is not None
    assert llm_usage.usage(engine, "ana", now=NOW) == [Use(NOW, 40)]

    llm_usage.finish_call(engine, call_id, tokens=250, outcome="answered", now=NOW)

    assert (before.allowed, before.calls_left) == (True, 3)  # the standing before this call
    assert llm_usage.usage(engine, "ana", now=NOW) == [Use(NOW, 250)]
    after = llm_usage.current_standing(engine, "ana", BUDGET, now=NOW)
    assert (after.calls_used, after.calls_left, after.tokens_used, after.tokens_left) == (
        1, 2, 250, 750,
    )  # fmt: skip


def test_the_call_over_the_limit_is_refused_and_not_recorded(engine: Engine) -> None:
    for minutes in (30, 20, 10):
        llm_usage.start_call(
            engine, "ana", model="m", budget=BUDGET, now=NOW - timedelta(minutes=minutes)
        )

    refused, call_id = llm_usage.start_call(engine, "ana", model="m", budget=BUDGET, now=NOW)

    assert call_id is None
    assert (refused.allowed, refused.limit) == (False, "calls_per_hour")
    assert refused.retry_at == NOW + timedelta(minutes=30)  # 09:30 + 1 h
    assert len(llm_usage.usage(engine, "ana", now=NOW)) == 3


def test_each_user_has_their_own_budget_and_old_calls_age_out(engine: Engine) -> None:
    llm_usage.start_call(engine, "ana", model="m", budget=BUDGET, tokens=900, now=NOW)
    llm_usage.start_call(
        engine, "bo", model="m", budget=BUDGET, tokens=500, now=NOW - timedelta(hours=25)
    )

    assert llm_usage.current_standing(engine, "bo", BUDGET, now=NOW).tokens_used == 0
    assert llm_usage.current_standing(engine, "ana", BUDGET, now=NOW).tokens_used == 900


def test_finishing_never_lowers_the_tokens_recorded_at_the_start(engine: Engine) -> None:
    _, call_id = llm_usage.start_call(engine, "ana", model="m", budget=BUDGET, tokens=300, now=NOW)
    assert call_id is not None

    llm_usage.finish_call(engine, call_id, tokens=0, outcome="failed", now=NOW)

    assert llm_usage.usage(engine, "ana", now=NOW) == [Use(NOW, 300)]


def test_two_replicas_racing_for_the_last_calls_let_through_exactly_the_limit(
    engine: Engine,
) -> None:
    # Two engines on one database stand for two app replicas; 8 threads each try 3 calls.
    other = make_engine(engine.url.render_as_string(hide_password=False))
    budget = Budget(calls_per_hour=5, tokens_per_day=10**9, models=("m",))
    granted: list[int] = []
    start = threading.Barrier(8)

    def _try(replica: Engine) -> None:
        llm_usage.usage(replica, "someone else")  # connect first, so that all start together
        start.wait()
        for _ in range(3):
            _, call_id = llm_usage.start_call(replica, "ana", model="m", budget=budget, now=NOW)
            if call_id is not None:
                granted.append(call_id)

    threads = [threading.Thread(target=_try, args=(e,)) for e in [engine, other] * 4]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.dispose()

    assert len(granted) == 5
    assert len(llm_usage.usage(engine, "ana", now=NOW)) == 5


def test_a_row_holds_who_which_model_when_and_how_much_and_nothing_else(engine: Engine) -> None:
    _, call_id = llm_usage.start_call(
        engine, "https://issuer.example|user-1", model="gpt-4o-mini", budget=BUDGET, now=NOW
    )
    assert call_id is not None
    llm_usage.finish_call(engine, call_id, tokens=12, outcome="answered", now=NOW)

    with engine.connect() as connection:
        (row,) = connection.execute(select(LlmUsageRow.__table__)).mappings().all()

    assert set(row) == {
        "id", "user_id", "model", "started_at", "finished_at", "tokens", "outcome",
    }  # fmt: skip
    assert (row["user_id"], row["model"], row["tokens"], row["outcome"]) == (
        "https://issuer.example|user-1", "gpt-4o-mini", 12, "answered",
    )  # fmt: skip


def test_a_very_long_user_id_is_kept_by_its_hash(engine: Engine) -> None:
    long_id = "x" * 500
    llm_usage.start_call(engine, long_id, model="m", budget=BUDGET, now=NOW)

    assert len(llm_usage.usage(engine, long_id, now=NOW)) == 1
    assert llm_usage.usage(engine, "x" * 499, now=NOW) == []
