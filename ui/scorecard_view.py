"""What the Scorecard and Progress pages draw: one interview's scorecard, and scores over time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from playbook import critic
from playbook.catalog import load_catalog
from playbook.clock import format_duration
from playbook.design import Phase
from playbook.interview import (
    ProgressPoint,
    SavedInterview,
    phase_averages,
    progress_points,
    scorecard_markdown,
    weakest_phase,
)
from playbook.interview.followups import TITLES, margin_story
from playbook.interview.grading import reference_at_load
from playbook.interview.progress import drill
from playbook.interview.prompts import TOPIC_LABELS, get_prompt, load_prompts
from playbook.interview.scorecard import FollowUpResult, PhaseEntry, Scorecard
from playbook.labels import PHASES, slugify
from ui import diagram_viewer, interview
from ui.interview_view import SEVERITY_BADGES

VERDICT_BOXES = {"Strong": st.success, "Pass": st.success, "Borderline": st.warning}


def when(epoch: float) -> str:
    """Return a wall-clock time as shown on the scorecard."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def label(saved: SavedInterview) -> str:
    """Return a one-line name for a saved interview: when, which prompt, the verdict."""
    card = saved.scorecard
    return f"{when(card.finished_at)} · {card.prompt_title} · {card.verdict}"


def _verdict(card: Scorecard) -> None:
    box = VERDICT_BOXES.get(card.verdict, st.error)
    because = "; ".join(critic.plain(reason) for reason in card.reasons)
    box(
        f"**Verdict: {card.verdict}** · mean rubric score {card.mean_score:.2f}/4"
        + (f"  \nNot higher because: {because}" if because else ""),
        icon=":material/scoreboard:",
    )
    st.caption(f"Rubric: {critic.plain(card.rubric_verdict)}")


def _row(entry: PhaseEntry) -> dict[str, str | int]:
    time = f"{format_duration(entry.used_s)} / {format_duration(entry.box_s)}"
    return {
        "Phase": PHASES[entry.phase],
        "Score (1-4)": entry.score,
        "Time / box": time + (" · over" if entry.over else ""),
        "Questions": entry.questions,
        "Hint": "yes" if entry.hint else "no",
        "Follow-ups handled": (
            f"{entry.followups_handled} of {entry.followups}" if entry.followups else "-"
        ),
    }


def _phases(card: Scorecard) -> None:
    st.dataframe([_row(entry) for entry in card.phases], hide_index=True, width="stretch")
    for entry in card.phases:
        label = f"{PHASES[entry.phase]} · {entry.score}/4 · {len(entry.findings)} finding(s)"
        with st.expander(label):
            if entry.next_level:
                st.caption(critic.plain(entry.next_level))
            for finding in entry.findings:
                st.markdown(f"{SEVERITY_BADGES[finding.severity]} {critic.plain(finding.message)}")
                st.caption(f"Fix: {critic.plain(finding.fix)}")
            if not entry.findings:
                st.caption("No findings.")
            if entry.hint:
                st.info(f"Hint taken: {critic.plain(entry.hint)}", icon=":material/lightbulb:")


def _followup(result: FollowUpResult) -> str:
    f, status = result.followup, result.status
    mark = ":green[handled]" if status.handled else ":red[not handled]"
    if not status.kept:
        mark += " (the change was undone)"
    elif status.still_blocking:
        mark += f" ({len(status.still_blocking)} blocking finding(s) remain)"
    story = margin_story(*result.margins)
    margin = f"  \n  Margin: {critic.plain(story)}" if story else ""
    return (
        f"- **{TITLES[f.kind]}** after {PHASES[f.after_phase]}: {mark}  \n  {critic.plain(f.said)}"
        + margin
    )


def _interview_craft(card: Scorecard) -> None:
    asked, follow = st.columns(2, gap="medium")
    with asked:
        st.markdown("**Clarifying questions**")
        lines = [
            f"- {TOPIC_LABELS[q.topic]} · at {format_duration(q.at_s)} in {PHASES[q.phase]}"
            + (" · set into Phase 1" if q.applied else "")
            for q in card.questions
        ]
        lines += [f"- :red[Not asked: {TOPIC_LABELS[t]}]" for t in card.topics_missed]
        st.markdown("\n".join(lines))
    with follow:
        st.markdown("**Follow-ups**")
        st.markdown("\n".join(map(_followup, card.followups)) or "None given.")


def _diagrams(saved: SavedInterview) -> None:
    card = saved.scorecard
    # The reference at the candidate's own load: a fleet sized for the same traffic.
    reference = reference_at_load(get_prompt(card.prompt_id), saved.design, load_catalog())
    # One above the other at full width, each in the pan-and-zoom viewer; the table below lines
    # the differing decisions up side by side.
    st.markdown("**Your design**")
    diagram_viewer.diagram(saved.design, key="scorecard.viewer.yours", height=520)
    st.markdown(f"**Reference: {critic.plain(reference.title)}**")
    diagram_viewer.diagram(reference, key="scorecard.viewer.reference", height=520)
    st.markdown(f"**Decisions that differ** ({len(card.differences)})")
    rows = [
        {"Phase": d.section, "Decision": d.label, "Yours": d.left, "Reference": d.right}
        for d in card.differences
    ]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption("Every decision matches the reference.")


def scorecard(saved: SavedInterview) -> None:
    """Draw a finished interview's scorecard, with its Markdown download."""
    card = saved.scorecard
    st.subheader(critic.plain(card.prompt_title))
    st.caption(
        f"{card.difficulty.capitalize()} · finished {when(card.finished_at)} · "
        f"{format_duration(card.total_used_s)} of {format_duration(card.total_box_s)}"
    )
    _verdict(card)
    st.download_button(
        "Download scorecard (Markdown)", data=scorecard_markdown(card),
        file_name=f"scorecard-{slugify(card.prompt_title)}.md", mime="text/markdown",
        icon=":material/download:", key="scorecard.download",
    )  # fmt: skip
    _phases(card)
    _interview_craft(card)
    _diagrams(saved)


def _chart_spec(points: tuple[ProgressPoint, ...], weakest: str) -> dict[str, Any]:
    # One small chart per phase on a fixed 1-4 axis: six lines on one axis overlap at the same
    # few scores, side by side each phase's trend and the weakest (in red) stand out.
    rows = [
        {"Interview": number, "Phase": PHASES[phase], "Score": score, "Prompt": p.prompt_title}
        for number, p in enumerate(points, start=1)
        for phase, score in p.scores.items()
    ]
    return {
        "data": {"values": rows},
        "facet": {"column": {"field": "Phase", "sort": list(PHASES.values()), "title": None}},
        "spec": {
            "width": 110, "height": 150,
            "mark": {"type": "line", "point": {"size": 60}, "strokeWidth": 2},
            "encoding": {
                "x": {"field": "Interview", "type": "ordinal", "title": "Interview",
                      "axis": {"labelAngle": 0}},
                "y": {"field": "Score", "type": "quantitative", "title": "Score (1-4)",
                      "scale": {"domain": [1, 4]}, "axis": {"tickCount": 4}},
                "color": {"condition": {"test": f"datum.Phase === '{weakest}'", "value": "#d62728"},
                          "value": "#4c78a8"},
                "tooltip": [{"field": name} for name in ("Interview", "Prompt", "Phase", "Score")],
            },
        },
    }  # fmt: skip


def _drill(phase: Phase, points: tuple[ProgressPoint, ...]) -> None:
    prompt = drill(phase, points, load_prompts())
    if prompt is None:
        return
    with st.container(border=True):
        st.markdown(
            f"**Drill for {PHASES[phase]}:** {critic.plain(prompt.title)} · "
            f"{critic.plain(prompt.ask)}"
        )
        st.button(
            "Start this drill", key="progress.drill", icon=":material/fitness_center:",
            on_click=interview.begin, args=(prompt.id,), type="primary",
        )  # fmt: skip


def progress(saved: tuple[SavedInterview, ...]) -> None:
    """Draw every past interview's per-phase scores over time, and the weakest phase."""
    points = progress_points(item.scorecard for item in saved)
    weakest = weakest_phase(points)
    averages = phase_averages(points)
    if weakest is not None:
        st.warning(
            f"Weakest phase: **{PHASES[weakest]}** (mean score {averages[weakest]:.2f}/4 over "
            f"{len(points)} interview(s)).",
            icon=":material/trending_down:",
        )
        _drill(weakest, points)
    st.vega_lite_chart(
        spec=_chart_spec(points, PHASES[weakest] if weakest else ""), width="content"
    )
    table = [
        {
            "Finished": when(p.finished_at),
            "Prompt": p.prompt_title,
            "Verdict": p.verdict,
            "Mean": p.mean_score,
            **{PHASES[k]: v for k, v in p.scores.items()},
        }
        for p in reversed(points)
    ]
    st.dataframe(table, hide_index=True, width="stretch")
