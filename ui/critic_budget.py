"""The LLM budget's service between the Critique page and the ledger in `db.llm_usage`.

`standing` reads where a user stands, `begin_call` decides and records a call in one transaction
(the ledger is shared by every replica), `end_call` records the tokens it used. Kept apart from
`ui.critic_config` so that what only reads the settings (the interview) loads no database code.
"""

from __future__ import annotations

from db import llm_usage
from playbook.llm import Tally
from playbook.llm_budget import Standing, model_problem
from ui.critic_config import CriticConfig
from ui.resources import engine


def standing(user_id: str, config: CriticConfig) -> Standing:
    """Return where `user_id` stands against the budget now."""
    return llm_usage.current_standing(engine(), user_id, config.budget)


def begin_call(user_id: str, config: CriticConfig, tally: Tally) -> tuple[Standing, int | None]:
    """Record a call by `user_id` if the model and the budget allow it; return the standing and
    the call's id (None: refused, nothing recorded, no call may be made)."""
    if config.endpoint is None or model_problem(config.endpoint.model, config.budget):
        raise ValueError("begin_call needs an endpoint with an allowed model")
    return llm_usage.start_call(
        engine(), user_id, model=config.endpoint.model, budget=config.budget,
        tokens=tally.prompt_tokens,
    )  # fmt: skip


def end_call(call_id: int, tally: Tally, *, answered: bool) -> None:
    """Record the tokens call `call_id` used, answered or not."""
    llm_usage.finish_call(
        engine(), call_id, tokens=tally.tokens, outcome="answered" if answered else "failed"
    )
