"""The mock interview in session state: start it, ask, take hints, move on or stay, finish it.

The interview's clock is the sidebar timer's clock (`state.clock()`): choosing a prompt resets and
starts it, and the phase it counts towards follows the phase page the candidate is on, as it
always does. Follow-ups come when the candidate moves on from a phase, by the button here or by
opening a later phase's page (`sync` notices on the next interview page run).
"""

from __future__ import annotations

import uuid

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from playbook import Design, critic
from playbook.catalog import load_catalog
from playbook.clock import (
    PhaseTime,
    enter_phase,
    pause_clock,
    report_clock,
    reset_clock,
    start_clock,
)
from playbook.design import PHASES, Phase
from playbook.interview import (
    FOLLOW_UP_PHASES,
    Interviewer,
    InterviewSession,
    InterviewStoreError,
    Pick,
    Prompt,
    SavedInterview,
    Topic,
    add_followup,
    apply_answer,
    ask,
    asked_topics,
    build_scorecard,
    choose,
    choose_followup,
    close_phase,
    finish_session,
    get_prompt,
    give_followup,
    hint_for,
    mark_applied,
    open_phases_before,
    record_time,
    reveal,
    start_session,
    take_hint,
)
from playbook.interview.followups import TITLES, Ask, FollowUpKind
from playbook.interview.grading import blank_design, reference_at_load
from playbook.interview.interviewer import followup_messages, parse_pick, response_schema
from playbook.interview.store import InterviewStore
from playbook.labels import escape_markdown
from playbook.llm import Limits, LlmError, chat, tally_for
from playbook.llm_budget import model_problem
from playbook.rubric import Review
from ui import confirm, critic_config, resources, state
from ui.interview_store import default_store

# Follow-ups from the LLM must not hold the page long: past this the rules speak instead.
LLM_DEADLINE_S = 20.0


def session() -> InterviewSession | None:
    """Return the interview under way or just finished, or None before the first one."""
    value = st.session_state.get(state.INTERVIEW)
    return value if isinstance(value, InterviewSession) else None


def active() -> InterviewSession | None:
    """Return the interview under way, or None when there is none (or it has finished)."""
    current = session()
    return current if current is not None and not current.finished else None


def _set(value: InterviewSession | None) -> None:
    st.session_state[state.INTERVIEW] = value


def prompt_of(current: InterviewSession) -> Prompt:
    """Return the prompt the interview is on."""
    return get_prompt(current.prompt_id)


def phase() -> Phase:
    """Return the phase the interview clock counts towards."""
    return state.clock().phase


def phase_time() -> PhaseTime:
    """Return the current phase's time used against its box."""
    report = report_clock(state.clock(), now=state.now())
    return next(item for item in report.phases if item.phase == report.current)


def elapsed() -> float:
    """Return the interview time used so far (pauses excluded)."""
    return report_clock(state.clock(), now=state.now()).total_used_s


def review(design: Design) -> Review:
    """Return the rubric's review of `design`: its one analysis's (cached per design)."""
    return resources.review(design)


def begin(prompt_id: str) -> None:
    """Start an interview on `prompt_id`; over an unsaved design, ask first (it is replaced).

    An unknown id raises before anything is replaced."""
    prompt = get_prompt(prompt_id)
    if not state.has_unsaved_design():
        start(prompt_id)
        return
    confirm.ask(
        title="Empty your unsaved design?",
        text=f"An interview on “{critic.plain(prompt.title)}” starts from a blank design, so "
        f"“{escape_markdown(state.design().title)}” and its unsaved changes would be lost. "
        "Cancel, then save it under Saved designs to keep them.",
        label="Discard my design and start",
        action=start,
        args=(prompt_id,),
    )


def start(prompt_id: str) -> None:
    """Start an interview on `prompt_id`: a blank design, the clock reset and running."""
    blank = blank_design(get_prompt(prompt_id))
    state.set_design(blank)
    state.mark_saved(blank)  # what the prompt states: nothing of the candidate's to lose yet
    state.set_clock(start_clock(reset_clock(), now=state.now()))
    # The empty design is a new one: a save must not become a revision of the one open before.
    for key in (state.EDIT_ERROR, state.INTERVIEW_SAVED, state.LIBRARY_OPENED, state.TITLE_INPUT):
        st.session_state.pop(key, None)
    _set(start_session(prompt_id, session_id=uuid.uuid4().hex, now=state.now()))


def abandon() -> None:
    """Ask, then drop the interview under way (its record is deleted; the design stays)."""
    if (current := active()) is None:
        return
    confirm.ask(
        title="Abandon this interview?",
        text=f"The interview on “{critic.plain(prompt_of(current).title)}” ends without a "
        "scorecard: its questions, hints, follow-ups and time are deleted. Your design stays "
        "in the phases.",
        label="Abandon the interview",
        action=drop,
    )


def drop() -> None:
    """Drop the interview under way; the design stays as it is."""
    _set(None)


def ask_topic(topic: Topic) -> None:
    """Ask the interviewer for one of the four Phase 1 numbers."""
    if (current := active()) is not None:
        _set(ask(current, topic, phase=phase(), at_s=elapsed()))


def apply_topic(topic: Topic) -> None:
    """Set the numbers the interviewer revealed for `topic` into Phase 1."""
    if (current := active()) is None:
        return
    state.set_design(apply_answer(state.design(), reveal(prompt_of(current), topic)))
    _set(mark_applied(current, topic))


def take_phase_hint() -> None:
    """Take the one hint of the current phase."""
    if (current := active()) is None:
        return
    design = state.design()
    hint = hint_for(phase(), design=design, review=review(design), asked=asked_topics(current))
    _set(take_hint(current, hint, at_s=elapsed()))


def pause() -> None:
    """Pause the interview clock."""
    state.set_clock(pause_clock(state.clock(), now=state.now()))


def resume() -> None:
    """Resume the interview clock."""
    state.set_clock(start_clock(state.clock(), now=state.now()))


def stay() -> None:
    """Answer a phase running over with 'stay': keep working on it."""
    if (current := active()) is None:
        return
    item = phase_time()
    over = max(0.0, item.used_s - item.box_s)
    _set(choose(current, item.phase, "stay", at_s=elapsed(), over_s=over))


def move_on(*, interviewer: Interviewer | None = None) -> None:
    """Close the current phase (a follow-up may come) and count time towards the next one."""
    if (current := active()) is None:
        return
    item = phase_time()
    if item.over:
        over = item.used_s - item.box_s
        current = choose(current, item.phase, "move_on", at_s=elapsed(), over_s=over)
    _set(current)
    _close((*open_phases_before(current, item.phase), item.phase), interviewer)
    later = PHASES[PHASES.index(item.phase) + 1 :]
    if later:
        state.set_clock(enter_phase(state.clock(), later[0], now=state.now()))


def sync(*, interviewer: Interviewer | None = None) -> None:
    """Close the phases the candidate has left by opening a later phase's page."""
    if (current := active()) is not None:
        _close(open_phases_before(current, phase()), interviewer)


def _close(phases: tuple[Phase, ...], interviewer: Interviewer | None) -> None:
    current = active()
    if current is None or not phases:
        return
    for closing in phases:
        current = close_phase(current, closing)
        if closing in FOLLOW_UP_PHASES:
            current = _follow_up(current, closing, interviewer)
    _set(record_time(current, report_clock(state.clock(), now=state.now())))


def _follow_up(
    current: InterviewSession, after: Phase, interviewer: Interviewer | None
) -> InterviewSession:
    used: tuple[FollowUpKind, ...] = tuple(f.kind for f in current.followups)
    design = state.design()
    catalog = load_catalog()
    found = resources.analysis(design)  # the cached analysis: the margins and the "before"
    pick: Pick | None = choose_followup(
        design, phase=after, used=used, interviewer=interviewer, found=found
    )
    if pick is None:
        return current
    changed, given = give_followup(
        design, pick, phase=after, at_s=elapsed(), catalog=catalog, before=found
    )
    state.set_design(changed)
    state.flash(f"The interviewer pushes back: {TITLES[given.kind]}. See the follow-up below.")
    return add_followup(current, given)


def finish(*, store: InterviewStore | None = None) -> SavedInterview | None:
    """End the interview: stop the clock, score it, keep the result here and in the store.

    Returns None when there is no interview under way. A store that cannot save raises OSError
    after the result is kept in this browser session.
    """
    if (current := active()) is None:
        return None
    state.set_clock(pause_clock(state.clock(), now=state.now()))
    report = report_clock(state.clock(), now=state.now())
    done = finish_session(current, report=report, now=state.now())
    prompt, design = prompt_of(done), state.design()
    card = build_scorecard(
        done,
        prompt=prompt,
        design=design,
        review=review(design),
        reference=reference_at_load(prompt, design, load_catalog()),
    )
    saved = SavedInterview(session=done, design=design, scorecard=card)
    _set(done)
    # The scorecard keeps the times; a fresh practice clock means nothing resumes this interview.
    state.set_clock(reset_clock())
    st.session_state[state.INTERVIEW_SAVED] = saved
    try:
        (store or default_store()).save(saved)
    except (ValueError, SQLAlchemyError) as exc:  # no engine: a bad DATABASE_URL, or no server
        raise InterviewStoreError(f"the database is unavailable: {exc}") from exc
    return saved


def last_saved() -> SavedInterview | None:
    """Return the interview finished in this browser session, if any."""
    value = st.session_state.get(state.INTERVIEW_SAVED)
    return value if isinstance(value, SavedInterview) else None


def configured_interviewer() -> Interviewer | None:
    """Return an LLM interviewer when an endpoint is configured, else None (the rules speak).

    Its calls spend the same per-user budget as the critic's; over budget, or with a model
    outside the allowed list, the rules word the follow-up instead.
    """
    config = critic_config.load()
    endpoint = config.endpoint
    if endpoint is None or model_problem(endpoint.model, config.budget):
        return None
    limits = Limits(read_s=LLM_DEADLINE_S, total_s=LLM_DEADLINE_S, max_retries=1)

    def pick(design: Design, after: Phase, ask: Ask) -> Pick | None:
        """Return the LLM's words for the rules' follow-up `ask`, or None when it fails."""
        # Loaded here: the ledger's database code stays out of every page's imports.
        from ui import critic_budget, identity

        allowed = ask.allowed
        messages = followup_messages(design, phase=after, allowed=allowed, ask=ask)
        tally = tally_for(messages)
        _, call_id = critic_budget.begin_call(identity.user_id(), config, tally)
        if call_id is None:
            return None  # over budget: the rules' follow-up is as good a question
        text = None
        try:
            text = chat(endpoint, messages, schema=response_schema(allowed), limits=limits,
                        tally=tally)  # fmt: skip
        except LlmError:
            return None  # the rules' follow-up is as good a question; the interview goes on
        finally:
            critic_budget.end_call(call_id, tally, answered=text is not None)
        return parse_pick(text, allowed=allowed)

    return pick
