"""The prompts MSP practice expects, each saying what to do.

`CaseFacts` is what the rules need about one enquiry; it is built in SQL for lists (one row per
enquiry) and from the full record for the overview, so both show the same prompts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from msp.periods import add_working_days, working_days_between
from msp.settings import Targets

# National "asked" answers that are themselves a recorded reason for having no outcomes.
ASKED_ANSWERS_WITHOUT_OUTCOMES = frozenset({"asked_none", "no", "dont_know"})
FEEDBACK_CLOSING_DAYS = 14


@dataclass(frozen=True)
class CaseFacts:
    status: str
    started_on: dt.date
    concluded_on: dt.date | None
    msp_asked: str | None
    active_outcomes: int
    unexplained_unachievable: int
    capacity_considered: bool
    substantial_difficulty: bool | None
    appropriate_individual: bool | None
    advocacy_referred_on: dt.date | None
    last_conversation_on: dt.date | None
    has_feedback: bool


@dataclass(frozen=True)
class Prompt:
    code: str
    short: str  # a few words for a list of enquiries
    message: str  # the full sentence: what to do and why
    overdue: bool = False


def prompts(facts: CaseFacts, targets: Targets, today: dt.date) -> list[Prompt]:
    """What needs doing on this enquiry, most pressing first."""
    found: list[Prompt] = []
    if facts.status == "open":
        if facts.active_outcomes == 0 and facts.msp_asked not in ASKED_ANSWERS_WITHOUT_OUTCOMES:
            found.append(
                Prompt(
                    "no_outcomes",
                    "Record desired outcomes",
                    "Ask the person what they want to happen and record their desired outcomes "
                    "in their own words — or record that they were asked and expressed none.",
                )
            )
        if not facts.capacity_considered:
            found.append(
                Prompt(
                    "capacity",
                    "Consider mental capacity",
                    "Consider the person's mental capacity to take part in the enquiry: record "
                    "the decision in question, when it was considered and the result.",
                )
            )
        if (
            facts.substantial_difficulty
            and facts.appropriate_individual is False
            and facts.advocacy_referred_on is None
        ):
            found.append(
                Prompt(
                    "advocacy",
                    "Refer for independent advocacy",
                    "Refer the person for independent advocacy: they have substantial "
                    "difficulty being involved and no appropriate individual to support them.",
                    overdue=True,
                )
            )
        since = facts.last_conversation_on or facts.started_on
        gap = working_days_between(since, today)
        if gap > targets.max_gap_working_days:
            what = (
                "since the last conversation"
                if facts.last_conversation_on
                else "since the enquiry started, with no conversation recorded"
            )
            found.append(
                Prompt(
                    "conversation_gap",
                    f"No conversation for {gap} working days",
                    f"Talk with the person or their representative: {gap} working days {what} "
                    f"(target: at least every {targets.max_gap_working_days}).",
                    overdue=True,
                )
            )
    if facts.unexplained_unachievable:
        n = facts.unexplained_unachievable
        found.append(
            Prompt(
                "unexplained_unachievable",
                "Explain why an outcome is not achievable",
                f"Explain to the person why {n} outcome{'s' if n > 1 else ''} marked not "
                "achievable cannot be achieved, and link the conversation where you did.",
            )
        )
    if facts.status == "concluded" and facts.concluded_on and not facts.has_feedback:
        closes = facts.concluded_on + dt.timedelta(days=targets.feedback_window_days)
        days_left = (closes - today).days
        if days_left < 0:
            found.append(
                Prompt(
                    "feedback_overdue",
                    "Feedback overdue",
                    f"Feedback not recorded: the {targets.feedback_window_days // 7}-week window "
                    f"closed on {closes:%d %B %Y}. Record it if it was given, or that the person "
                    "declined.",
                    overdue=True,
                )
            )
        elif days_left <= FEEDBACK_CLOSING_DAYS:
            found.append(
                Prompt(
                    "feedback_closing",
                    f"Feedback window closes in {days_left} days",
                    f"Ask for feedback: the window closes in {days_left} day"
                    f"{'' if days_left == 1 else 's'} ({closes:%d %B %Y}).",
                )
            )
    found.sort(key=lambda p: not p.overdue)
    return found


def next_action(facts: CaseFacts, targets: Targets, today: dt.date) -> str:
    """One line for a list of enquiries: the most pressing prompt, or the natural next step."""
    found = prompts(facts, targets, today)
    if found:
        return found[0].short
    if facts.status == "open":
        due = add_working_days(
            facts.last_conversation_on or facts.started_on, targets.max_gap_working_days
        )
        return f"Next conversation due by {due:%d %b %Y}"
    if facts.has_feedback:
        return "Complete: concluded and feedback recorded"
    closes = facts.concluded_on + dt.timedelta(days=targets.feedback_window_days)
    return f"Ask for feedback by {closes:%d %b %Y}"
