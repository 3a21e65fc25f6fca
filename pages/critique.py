"""The critique: the rubric's findings by phase with their math, and an LLM critic on request."""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from playbook import critic, llm
from playbook.design import catalog_for
from playbook.labels import PHASES
from playbook.llm_budget import Standing
from playbook.rubric import SEVERITIES, Finding, PhaseScore, Review
from ui import cached, critic_budget, critic_config, identity, navigation, numbers, state

ANSWER = "critique_answer"  # plain key: the last LLM answer, which survives page changes
MODEL = "critique_model"  # plain key: the model name typed, re-seeded into the widget
MODEL_INPUT = "critique.model"
ASKED = "critique_asked"  # plain key: the button was clicked; the next run makes the call
SEVERITY_FILTER = "critique.severity"
SEVERITY_BADGES = {
    "block": ":red-badge[:material/block: Blocks]",
    "warn": ":orange-badge[:material/warning: Warning]",
    "info": ":blue-badge[:material/info: Note]",
}
SEVERITY_NAMES = {"block": "Blocking", "warn": "Warnings", "info": "Notes"}


def _verdict(review: Review) -> None:
    text = f"**Rubric verdict:** {critic.plain(review.verdict)}"
    if review.blocking:
        st.error(text, icon=":material/block:")
    elif any(f.severity == "warn" for f in review.findings):
        st.warning(text, icon=":material/warning:")
    else:
        st.success(text, icon=":material/check_circle:")


def _lines(finding: Finding) -> tuple[str, str]:
    """Return a finding's Markdown line and its caption ("" for none), its text escaped."""
    llm_badge = " :violet-badge[:material/smart_toy: LLM]" if finding.source == "llm" else ""
    head = (
        f"{SEVERITY_BADGES[finding.severity]}{llm_badge} `{finding.rule_id}`  \n"
        f"{critic.plain(finding.message)}"
    )
    where = [f"component {finding.component}"] if finding.component else []
    where += [f"constraint {finding.constraint}"] if finding.constraint else []
    fix = f"Fix: {finding.fix}" if finding.fix else ""
    caption = " · ".join([fix, *where] if fix else where)
    return head, critic.plain(caption) if caption else ""


def _finding(finding: Finding, *, math_key: str, lines: tuple[str, str]) -> None:
    head, caption = lines
    st.markdown(head)
    if caption:
        st.caption(caption)
    if finding.numbers:
        # Drawn only while open (a rerun on opening): most stay closed, and there are dozens.
        panel = st.expander(
            "Show the math", icon=":material/calculate:", key=math_key, on_change="rerun"
        )
        if panel.open:
            with panel:
                for estimate in finding.numbers:
                    st.markdown(f"**{critic.plain(estimate.name)}**: {estimate.shown()}")
                    numbers.math(estimate)


def _math_keys(findings: tuple[Finding, ...]) -> list[str]:
    """Return the key of each finding's "Show the math" expander: its rule and phase, and a count
    for a rule that fires more than once, so an open expander stays with its finding when the
    severity filter or an LLM answer changes the findings around it."""
    seen: dict[tuple[str, str], int] = {}
    keys = []
    for finding in findings:
        name = (finding.phase, finding.rule_id)
        seen[name] = seen.get(name, 0) + 1
        keys.append(f"math.critique.{finding.phase}.{finding.rule_id}.{seen[name]}")
    return keys


def _lines_of(finding: Finding) -> tuple[str, str]:
    """Return `_lines(finding)`, escaped once per design for the rubric's own findings."""
    index = RUBRIC_INDEX.get(id(finding))  # the rubric's findings are this run's `review`'s
    if index is None:
        return _lines(finding)  # an LLM finding: drawn from its own text
    return cached.FINDING_LINES.get((design_key, index), lambda: _lines(finding))


def _phase(score: PhaseScore, findings: list[tuple[Finding, str]]) -> None:
    spec = navigation.spec_of(score.phase)
    with st.container(border=True):
        st.markdown(f"#### {PHASES[score.phase]} · {score.score}/4")
        if score.next_level:
            st.caption(critic.plain(score.next_level))
        for finding, key in findings:
            _finding(finding, math_key=key, lines=_lines_of(finding))
        if not findings:
            st.caption("Nothing at the severities shown.")
        st.page_link(spec.path, label=f"Fix it in {spec.title}", icon=":material/edit:")


def _keep_model() -> None:
    st.session_state[MODEL] = str(st.session_state[MODEL_INPUT])


def _ask(
    config: critic_config.CriticConfig, messages: tuple[critic.Message, ...], tally: llm.Tally
) -> str | None:
    """Stream the answer into the page; return its text, or None after showing why it failed."""
    assert config.endpoint is not None
    # Not st.write_stream: it renders the raw pieces, and a link split across two pieces would
    # slip past a per-piece check. The whole text so far is sanitised and redrawn instead.
    box, text, drawn = st.empty(), "", 0.0
    schema = critic.response_schema()
    try:
        for piece in llm.stream_chat(
            config.endpoint, messages, schema=schema, limits=config.limits, tally=tally
        ):
            text += piece
            if time.monotonic() - drawn > 0.1:
                box.markdown(critic.preview(text))
                drawn = time.monotonic()
    except llm.LlmError as error:
        box.empty()
        st.error(
            f"The LLM critic failed: {critic.plain(error.message)}. The rubric above stands.",
            icon=":material/error:",
        )
        return None
    box.empty()  # the stored answer is drawn below, with the findings merged above
    return text


def _budget(config: critic_config.CriticConfig, left: Standing, *, signed_in: bool) -> None:
    """Show the user's budget: calls and tokens left, the time a call may take, and why not."""
    budget = config.budget
    calls, tokens, deadline = st.columns(3)
    calls.metric("Calls left this hour", f"{left.calls_left} of {budget.calls_per_hour}")
    tokens.metric("Tokens left (24 h)", f"{left.tokens_left:,} of {budget.tokens_per_day:,}")
    deadline.metric("Time limit per call", f"{config.limits.total_s:g} s")
    who = "your account" if signed_in else "the one user of this app"
    st.caption(
        f"Counted for {who} on the server's key. Allowed models: "
        f"{critic.plain(', '.join(budget.models))}."
    )
    if not left.allowed:
        st.warning(critic.plain(left.reason), icon=":material/hourglass_top:")


def _request_critique() -> None:
    st.session_state[ASKED] = True  # read at the top of the next run, before anything is drawn


def _run_critic(
    config: critic_config.CriticConfig, user: str, design_key: str, review: Review
) -> None:
    """Make one call if the budget allows it (recorded whatever happens) and keep the answer."""
    assert config.endpoint is not None
    design = state.design()
    numbers_ = critic.key_numbers(design, catalog_for(design))
    messages = critic.build_messages(design, review=review, numbers=numbers_)
    tally = llm.tally_for(messages)
    _, call_id = critic_budget.begin_call(user, config, tally)
    if call_id is None:
        return  # over budget (perhaps spent on another tab or replica): no call; the panel says
    text = None
    try:
        text = _ask(config, messages, tally)
    finally:
        critic_budget.end_call(call_id, tally, answered=text is not None)
    if text is not None:
        st.session_state[ANSWER] = critic_config.StoredAnswer(
            design_key, config.endpoint.model, critic.preview(text), critic.parse_answer(text)
        )


def _llm_section(design_key: str, review: Review) -> None:
    st.subheader("LLM critic")
    asked = bool(st.session_state.pop(ASKED, False))
    config = critic_config.load(model=st.session_state.get(MODEL))
    if config.problem:
        st.error(critic.plain(config.problem), icon=":material/error:")
        if config.budget.models and st.session_state.get(MODEL) not in config.budget.models:
            # A model name from outside the list: refused, and the default asked instead.
            st.session_state.pop(MODEL, None)
            config = critic_config.load()
            asked = False
    if config.endpoint is None and not config.problem:
        st.info(
            "No endpoint configured. Set `OPENAI_API_KEY` (OpenAI) or `OPENAI_BASE_URL` (a vLLM, "
            "Ollama or LM Studio server) in the environment or `.streamlit/secrets.toml`.",
            icon=":material/cloud_off:",
        )
    elif config.endpoint is not None:
        st.caption(f"Endpoint: {critic.plain(config.where)} · the API key is never shown")
    user = identity.user_id()
    # Drawn in this order, filled in another: the call runs first, so that the budget shown and
    # the button's state already count it.
    budget_box, controls, answer_box = st.container(), st.container(), st.container()
    if asked and config.endpoint is not None:
        with answer_box:
            _run_critic(config, user, design_key, review)
    left = critic_budget.standing(user, config) if config.endpoint is not None else None
    if left is not None:
        with budget_box:
            _budget(config, left, signed_in=user != identity.LOCAL)
    models = list(config.budget.models)
    st.session_state[MODEL_INPUT] = config.model if config.model in models else models[0]
    with controls:
        st.selectbox("Model", models, key=MODEL_INPUT, on_change=_keep_model)
        st.button(
            "Ask the LLM critic", key="critique.ask", icon=":material/rate_review:",
            on_click=_request_critique, type="primary",
            disabled=config.endpoint is None or left is None or not left.allowed,
        )  # fmt: skip
    with answer_box:
        _show_stored(design_key)


def _stored(design_key: str) -> critic_config.StoredAnswer | None:
    """Return the last LLM answer if it is about this version of the design."""
    stored = st.session_state.get(ANSWER)
    if isinstance(stored, critic_config.StoredAnswer) and stored.design_key == design_key:
        return stored
    return None


def _show_stored(design_key: str) -> None:
    stored = st.session_state.get(ANSWER)
    if not isinstance(stored, critic_config.StoredAnswer):
        return
    if stored.design_key != design_key:
        st.caption("The last LLM critique was of an earlier version of the design: ask again.")
        return
    st.markdown(f"**{critic.plain(stored.model)}** answered (its findings are merged above):")
    with st.container(border=True):
        st.markdown(stored.shown or "(an empty answer)")
    if stored.answer.skipped:
        count = stored.answer.skipped
        st.caption(
            f"{count} finding{'s' if count != 1 else ''} in the answer had an unreadable shape."
        )


st.title("Critique")
st.caption(
    "The rubric's findings, phase by phase, each with the numbers behind it and the page to fix "
    "it on; an LLM critic adds what rules miss."
)
design = state.design()
design_key = hashlib.sha256(design.model_dump_json().encode()).hexdigest()
review = cached.review(design)
# The review is the design's cached analysis's: the same finding objects on every rerun, and
# in the merged review below. Their lines are escaped once per design (ui.cached).
RUBRIC_INDEX = {id(finding): index for index, finding in enumerate(review.findings)}

_verdict(review)
chosen = st.pills(
    "Severity", list(SEVERITIES), selection_mode="multi", default=list(SEVERITIES),
    format_func=SEVERITY_NAMES.__getitem__, key=SEVERITY_FILTER,
)  # fmt: skip
# The phases are drawn last, into this slot above the critic, so that an answer received in
# this very run is already merged into them.
phases = st.container()
st.divider()
_llm_section(design_key, review)
answer = _stored(design_key)
merged = critic.merge(review, answer.answer) if answer else review
keyed = list(zip(merged.findings, _math_keys(merged.findings), strict=True))
with phases:
    for score in merged.scores:
        _phase(
            score, [(f, key) for f, key in keyed if f.phase == score.phase and f.severity in chosen]
        )
