"""What the interview page draws: the prompt bank, the countdown, questions, hints, follow-ups.

Every text from the prompt bank, the rubric or an LLM goes through `critic.plain` before Markdown
(the bank's dollar amounts would otherwise turn into LaTeX).
"""

from __future__ import annotations

import streamlit as st

from playbook import critic
from playbook.clock import format_duration
from playbook.compare import label_of
from playbook.design import PHASES as PHASE_IDS
from playbook.interview import (
    FollowUp,
    InterviewSession,
    Prompt,
    followup_status,
    hint_in,
    load_prompts,
    question_on,
    reveal,
    stayed,
)
from playbook.interview.followups import TITLES, finding_key
from playbook.interview.prompts import DIFFICULTIES, TOPIC_LABELS, TOPIC_QUESTIONS, TOPICS, Topic
from playbook.labels import PHASES
from playbook.rubric import Finding
from ui import interview, mobile, navigation, state

DIFFICULTY_BADGES = {
    "easy": ":green-badge[Easy]",
    "medium": ":orange-badge[Medium]",
    "hard": ":red-badge[Hard]",
}
SEVERITY_BADGES = {
    "block": ":red-badge[:material/block: Blocks]",
    "warn": ":orange-badge[:material/warning: Warning]",
    "info": ":blue-badge[:material/info: Note]",
}
RESOLVED_BADGE = ":green-badge[:material/check: Resolved]"
DIFFICULTY_FILTER = "interview.difficulty"
ASK_BOX = "interview.ask_box"


def prompt_bank() -> None:
    """Draw the prompts to choose from, each with a button that starts an interview on it."""
    shown = st.pills(
        "Difficulty", DIFFICULTIES, selection_mode="multi", key=DIFFICULTY_FILTER,
        format_func=str.capitalize, default=list(DIFFICULTIES),
    )  # fmt: skip
    for prompt in load_prompts():
        if shown and prompt.difficulty not in shown:
            continue
        with st.container(border=True):
            st.markdown(f"**{critic.plain(prompt.title)}** {DIFFICULTY_BADGES[prompt.difficulty]}")
            st.markdown(critic.plain(prompt.ask))
            st.caption(f"Reference architecture: {critic.plain(prompt.reference)}")
            st.button(
                "Start this interview", key=f"interview.start.{prompt.id}",
                on_click=interview.begin, args=(prompt.id,), icon=":material/play_arrow:",
            )  # fmt: skip


def ask_box(prompt: Prompt) -> None:
    """Draw the interviewer's ask, scrolled into view when the interview has just started."""
    with st.container(border=True, key=ASK_BOX):
        st.markdown(
            f"**The ask** · {critic.plain(prompt.title)} {DIFFICULTY_BADGES[prompt.difficulty]}"
        )
        st.markdown(f"> {critic.plain(prompt.ask)}")
    # Start is pressed far down the prompt list: on a phone the ask and countdown would be
    # above the screen. Once per interview, they are brought to the top.
    if (current := interview.active()) is not None:
        mobile.scroll_into_view(ASK_BOX, token=str(current.id))


def countdown() -> None:
    """Draw the current phase's time left, redrawn every second while the clock runs."""
    running = state.clock().running
    st.fragment(_countdown, run_every=1.0 if running else None)()


def _countdown() -> None:
    current = interview.active()
    if current is None:
        return
    item = interview.phase_time()
    name = PHASES[item.phase]
    with st.container(border=True):
        st.markdown(f"**Now: {name}** · time box {format_duration(item.box_s)}")
        if not item.over:
            st.metric("Time left in this phase", format_duration(item.box_s - item.used_s))
            st.progress(min(item.used_s / item.box_s, 1.0))
        elif stayed(current, item.phase):
            over = format_duration(item.used_s - item.box_s)
            st.info(f"Staying on {name}: over its box by {over}.", icon=":material/timer:")
        else:
            over = format_duration(item.used_s - item.box_s)
            st.warning(
                f"{name} is over its box by {over}: move on, or stay?", icon=":material/timer_off:"
            )
        _clock_buttons(item.phase, over=item.over and not stayed(current, item.phase))


def _clock_buttons(phase: str, *, over: bool) -> None:
    last = phase == PHASE_IDS[-1]
    columns = st.columns(3 if over else 2)
    if state.clock().running:
        pause = columns[0].button("Pause", key="interview.pause", icon=":material/pause:")
        resume = False
    else:
        resume = columns[0].button("Resume", key="interview.resume", icon=":material/play_arrow:")
        pause = False
    label = "Last phase: finish below" if last else "Move on"
    move = columns[1].button(
        label, key="interview.move_on", icon=":material/skip_next:", disabled=last,
        type="primary" if over else "secondary",
    )  # fmt: skip
    stay = over and columns[2].button("Stay", key="interview.stay", icon=":material/replay:")
    # Buttons in a fragment rerun only the fragment; the rest of the page must see the change.
    if pause:
        interview.pause()
    elif resume:
        interview.resume()
    elif stay:
        interview.stay()
    elif move:
        interview.move_on(interviewer=interview.configured_interviewer())
    else:
        return
    st.rerun()


def _numbers(topic: Topic, prompt: Prompt) -> str:
    values = reveal(prompt, topic).values
    return " · ".join(f"{label_of(f'constraints.{field}')}: {v:,g}" for field, v in values.items())


def questions(current: InterviewSession, prompt: Prompt) -> None:
    """Draw a button per Phase 1 number; an asked one shows the answer and 'Set into Phase 1'."""
    st.markdown("**Clarifying questions**")
    for topic in TOPICS:
        asked = question_on(current, topic)
        with st.container(border=True):
            if asked is None:
                st.button(
                    f"{TOPIC_LABELS[topic]}: {TOPIC_QUESTIONS[topic]}",
                    key=f"interview.ask.{topic}", on_click=interview.ask_topic, args=(topic,),
                    icon=":material/help:", width="stretch",
                )  # fmt: skip
                continue
            st.markdown(f"**{TOPIC_LABELS[topic]}** · asked at {format_duration(asked.at_s)}")
            st.markdown(f"> {critic.plain(reveal(prompt, topic).says)}")
            st.caption(critic.plain(_numbers(topic, prompt)))
            if asked.applied:
                st.caption(":material/check: Set into Phase 1")
            else:
                st.button(
                    "Set into Phase 1", key=f"interview.apply.{topic}",
                    on_click=interview.apply_topic, args=(topic,), icon=":material/input:",
                )  # fmt: skip


def hint(current: InterviewSession) -> None:
    """Draw the current phase's hint, or the button to take it."""
    phase = interview.phase()
    taken = hint_in(current, phase)
    st.markdown("**Hint**")
    if taken is None:
        st.button(
            f"Hint for {PHASES[phase]}", key="interview.hint", on_click=interview.take_phase_hint,
            icon=":material/lightbulb:", help="One per phase; hints taken show on the scorecard.",
        )  # fmt: skip
        return
    st.info(critic.plain(taken.hint.text), icon=":material/lightbulb:")
    st.caption(f"From the {taken.hint.source} · taken at {format_duration(taken.at_s)}")


def _finding(finding: Finding, *, resolved: bool) -> None:
    badge = (
        ":green-badge[:material/check: Resolved]" if resolved else SEVERITY_BADGES[finding.severity]
    )
    st.markdown(f"{badge} {critic.plain(finding.message)}")
    if not resolved:
        st.caption(f"Fix: {critic.plain(finding.fix)}")


def _change_line(followup: FollowUp) -> str:
    def shown(value: object) -> str:
        """Return a changed value as a person reads it: yes/no, or the number."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return f"{value:,g}" if isinstance(value, int | float) else str(value)

    return " · ".join(
        f"{label_of(f'constraints.{c.field}')}: {shown(c.before)} → {shown(c.after)}"
        for c in followup.changes
    )


def _followup(followup: FollowUp) -> None:
    design = state.design()
    review = interview.review(design)
    status = followup_status(followup, design, review)
    present = {finding_key(f) for f in review.findings}
    with st.container(border=True):
        who = "Interviewer (LLM)" if followup.source == "llm" else "Interviewer"
        st.markdown(f"**{TITLES[followup.kind]}** · {who}, after {PHASES[followup.after_phase]}")
        st.markdown(f"> {critic.plain(followup.said)}")
        st.caption(critic.plain(_change_line(followup)))
        if status.handled:
            st.success("Handled: the design meets the new constraint.", icon=":material/check:")
        elif not status.kept:
            st.error("The change was undone: the interviewer's constraint stands.")
        else:
            st.warning(f"Open: {len(status.still_blocking)} blocking finding(s) to resolve.")
        st.markdown("**What it broke**")
        for finding in followup.new_findings:
            _finding(finding, resolved=finding_key(finding) not in present)
        if not followup.new_findings:
            st.caption("No new finding from the rubric; check the numbers that moved.")
        if followup.number_changes:
            rows = [
                {"Number": n.label, "Before": n.left, "After": n.right, "Change": n.change}
                for n in followup.number_changes
            ]
            st.dataframe(rows, hide_index=True, width="stretch")


def followups(current: InterviewSession) -> None:
    """Draw the follow-ups given so far, newest first, each with what broke and its status."""
    if not current.followups:
        return
    st.markdown("**Follow-ups**")
    for followup in reversed(current.followups):
        _followup(followup)


def next_step() -> None:
    """Draw the link to the page of the phase being worked on."""
    spec = navigation.spec_of(interview.phase())
    st.page_link(spec.path, label=f"Work on {spec.title}", icon=":material/edit:")


def sidebar() -> None:
    """Draw, during an interview, the current phase's time left (for `app.py`, on every page)."""
    if interview.active() is not None:
        with st.sidebar:
            st.fragment(_sidebar_countdown, run_every=1.0 if state.clock().running else None)()


def _sidebar_countdown() -> None:
    item = interview.phase_time()
    name = PHASES[item.phase]
    if item.over:
        over = format_duration(item.used_s - item.box_s)
        st.markdown(f":red[**Interview · {name}**: over its box by {over}]")
    else:
        st.markdown(f"**Interview · {name}**: {format_duration(item.box_s - item.used_s)} left")
