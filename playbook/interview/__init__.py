"""Mock-interview mode: prompts, the session, questions, follow-ups, hints and the scorecard.

Pure like the rest of `playbook`: time comes in as numbers, storage is a protocol
(`InterviewStore`) that the database layer implements, and the LLM interviewer is a callable seam.
"""

from playbook.interview.export import scorecard_markdown
from playbook.interview.followups import (
    FOLLOW_UP_KINDS,
    FOLLOW_UP_PHASES,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Interviewer,
    Pick,
    apply_followup,
    candidates,
    choose_followup,
    followup_status,
    give_followup,
    review_with_numbers,
)
from playbook.interview.hints import Hint, hint_for
from playbook.interview.progress import (
    ProgressPoint,
    phase_averages,
    progress_points,
    weakest_phase,
)
from playbook.interview.prompts import (
    TOPICS,
    Answer,
    Prompt,
    Topic,
    get_prompt,
    load_prompts,
    prompt_ids,
)
from playbook.interview.questions import apply_answer, reveal
from playbook.interview.scorecard import Scorecard, build_scorecard, design_differences
from playbook.interview.session import (
    InterviewSession,
    add_followup,
    ask,
    asked_topics,
    choose,
    close_phase,
    finish_session,
    hint_in,
    mark_applied,
    open_phases_before,
    question_on,
    record_time,
    start_session,
    stayed,
    take_hint,
)
from playbook.interview.store import (
    InterviewNotFoundError,
    InterviewStore,
    InterviewStoreError,
    SavedInterview,
)

__all__ = [
    "FOLLOW_UP_KINDS",
    "FOLLOW_UP_PHASES",
    "TOPICS",
    "Answer",
    "FollowUp",
    "FollowUpKind",
    "FollowUpStatus",
    "Hint",
    "InterviewNotFoundError",
    "InterviewSession",
    "InterviewStore",
    "InterviewStoreError",
    "Interviewer",
    "Pick",
    "ProgressPoint",
    "Prompt",
    "SavedInterview",
    "Scorecard",
    "Topic",
    "add_followup",
    "apply_answer",
    "apply_followup",
    "ask",
    "asked_topics",
    "build_scorecard",
    "candidates",
    "choose",
    "choose_followup",
    "close_phase",
    "design_differences",
    "finish_session",
    "followup_status",
    "get_prompt",
    "give_followup",
    "hint_for",
    "hint_in",
    "load_prompts",
    "mark_applied",
    "open_phases_before",
    "phase_averages",
    "progress_points",
    "prompt_ids",
    "question_on",
    "record_time",
    "reveal",
    "review_with_numbers",
    "scorecard_markdown",
    "start_session",
    "stayed",
    "take_hint",
    "weakest_phase",
]
