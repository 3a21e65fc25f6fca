"""The scorecard as a Markdown document to download and keep.

Every piece of text that did not come from this module (titles, findings that name the
candidate's components, an LLM interviewer's words, hints quoting the design) goes through
`critic.plain` (Markdown syntax escaped, `<` as `&lt;`), so it reads as the literal text it is and
cannot add headings, links or HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime

from playbook.clock import format_duration
from playbook.critic import plain
from playbook.interview.followups import TITLES, margin_story
from playbook.interview.prompts import TOPIC_LABELS
from playbook.interview.scorecard import FollowUpResult, PhaseEntry, Scorecard
from playbook.labels import PHASES
from playbook.rubric import Finding

_SEVERITY = {"block": "BLOCK", "warn": "WARN", "info": "NOTE"}


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _row(entry: PhaseEntry) -> str:
    time = f"{format_duration(entry.used_s)} / {format_duration(entry.box_s)}"
    if entry.over:
        time += " (over)"
    follow = f"{entry.followups_handled}/{entry.followups}" if entry.followups else "-"
    hint = "yes" if entry.hint else "no"
    cells = [PHASES[entry.phase], f"{entry.score}/4", time, str(entry.questions), hint, follow]
    return "| " + " | ".join(cells) + " |"


def _finding(finding: Finding) -> str:
    tag = _SEVERITY[finding.severity]
    rule = plain(finding.rule_id)
    message, fix = plain(finding.message), plain(finding.fix)
    return f"- **{tag}** {rule}: {message}. Fix: {fix}"


def _findings(card: Scorecard) -> list[str]:
    lines = ["## Findings by phase", ""]
    for entry in card.phases:
        lines.append(f"### {PHASES[entry.phase]} ({entry.score}/4)")
        lines.extend(_finding(f) for f in entry.findings)
        if not entry.findings:
            lines.append("- No findings.")
        if entry.next_level:
            lines.append(f"- Next level: {plain(entry.next_level)}")
        lines.append("")
    return lines


def _questions(card: Scorecard) -> list[str]:
    lines = ["## Clarifying questions", ""]
    lines.extend(
        f"- {TOPIC_LABELS[q.topic]}: asked at {format_duration(q.at_s)} during "
        f"{PHASES[q.phase]}{' (set into Phase 1)' if q.applied else ''}"
        for q in card.questions
    )
    if card.topics_missed:
        missed = ", ".join(TOPIC_LABELS[t].lower() for t in card.topics_missed)
        lines.append(f"- Not asked: {missed}")
    return [*lines, ""]


def _followup(result: FollowUpResult) -> list[str]:
    f, status = result.followup, result.status
    state = "handled" if status.handled else "not handled"
    if not status.kept:
        state += " (the change was undone)"
    elif status.still_blocking:
        state += f" ({len(status.still_blocking)} blocking finding(s) remain)"
    lines = [
        f"- **{TITLES[f.kind]}** after {PHASES[f.after_phase]}, at {format_duration(f.at_s)}: "
        f"{state}",
        f"  - Interviewer: {plain(f.said)}",
    ]
    if (story := margin_story(*result.margins)) is not None:
        lines.append(f"  - Margin: {plain(story)}")
    lines.extend(f"  - Broke: {plain(x.message)}" for x in f.new_findings)
    return lines


def _followups(card: Scorecard) -> list[str]:
    lines = ["## Follow-ups", ""]
    for result in card.followups:
        lines.extend(_followup(result))
    if not card.followups:
        lines.append("- None given.")
    return [*lines, ""]


def _hints(card: Scorecard) -> list[str]:
    lines = ["## Hints taken", ""]
    lines.extend(
        f"- {PHASES[taken.hint.phase]} at {format_duration(taken.at_s)}: {plain(taken.hint.text)}"
        for taken in card.hints
    )
    if not card.hints:
        lines.append("- None.")
    return [*lines, ""]


def _differences(card: Scorecard) -> list[str]:
    lines = [f"## Your design against the reference ({plain(card.reference)})", ""]
    if not card.differences:
        return [*lines, "- Every decision matches the reference.", ""]
    lines += ["| Phase | Decision | Yours | Reference |", "| --- | --- | --- | --- |"]
    lines.extend(
        f"| {plain(d.section)} | {plain(d.label)} | {plain(d.left)} | {plain(d.right)} |"
        for d in card.differences
    )
    return [*lines, ""]


def scorecard_markdown(card: Scorecard) -> str:
    """Return the scorecard as a Markdown document, with all outside text escaped."""
    total = f"{format_duration(card.total_used_s)} / {format_duration(card.total_box_s)}"
    lines = [
        f"# Mock interview scorecard: {plain(card.prompt_title)}",
        "",
        f"- Design: {plain(card.design_title)}",
        f"- Difficulty: {card.difficulty} · finished {_when(card.finished_at)} · time {total}",
        f"- **Verdict: {card.verdict}** (mean rubric score {card.mean_score:.2f}/4)",
        *(f"  - {plain(reason)}" for reason in card.reasons),
        f"- Rubric: {plain(card.rubric_verdict)}",
        "",
        "| Phase | Score | Time / box | Questions | Hint | Follow-ups handled |",
        "| --- | --- | --- | --- | --- | --- |",
        *(_row(entry) for entry in card.phases),
        "",
    ]
    lines += _findings(card) + _questions(card) + _followups(card) + _hints(card)
    lines += _differences(card)
    return "\n".join(lines)
