"""What the demo organization is made of: its shape, how its pairs behave, and its texts.

Pure data (and the seeded draws that lay it out), kept apart from `organization.py`, which
builds it through the services and writes six months of history. Texts may name a
`{project}`, filled from the pair's department.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from app.domain.agenda import AgendaItemKind

HISTORY_DAYS = 190  # about six months of meetings before the import
HEADCOUNT = 60
MANAGERS_PER_DIRECTOR = 3

CEO_TIMEZONE = "America/New_York"

# Each department: its name, the timezones its people work from (first is the most common)
# and the projects its 1:1s talk about.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "Engineering",
        ("Europe/Berlin", "Europe/London"),
        ("the billing migration", "the API v2 rollout", "on-call load", "the search rewrite"),
    ),
    (
        "Product",
        ("America/New_York", "America/Chicago"),
        ("the Q3 roadmap", "the onboarding redesign", "pricing research", "the mobile beta"),
    ),
    (
        "Sales",
        ("America/Los_Angeles", "America/Chicago"),
        ("the enterprise pipeline", "the EMEA expansion", "renewals", "the partner program"),
    ),
    (
        "Operations",
        ("Europe/London", "Asia/Kolkata"),
        ("the SOC 2 audit", "the support backlog", "vendor renewals", "the hiring plan"),
    ),
)
OPERATIONS = 3  # index of the department whose director and one analyst are admins

FIRST_MANAGER = 1 + len(DEPARTMENTS)  # seat 0 is the CEO, then one director per department
FIRST_IC = FIRST_MANAGER + MANAGERS_PER_DIRECTOR * len(DEPARTMENTS)


class Seat(NamedTuple):
    """A position in the reporting tree: the seat it reports to and its department."""

    manager: int | None
    department: int


def org_chart(rng: random.Random) -> list[Seat]:
    """One CEO, a director per department, three managers each, then their ICs (3-4 each)."""
    departments = range(len(DEPARTMENTS))
    seats = [Seat(None, 0), *(Seat(0, d) for d in departments)]
    seats += [Seat(1 + d, d) for d in departments for _ in range(MANAGERS_PER_DIRECTOR)]
    managers = list(range(FIRST_MANAGER, FIRST_IC))
    bigger = rng.sample(managers, HEADCOUNT - FIRST_IC - 3 * len(managers))
    for manager in managers:
        seats += [Seat(manager, seats[manager].department)] * (3 + bigger.count(manager))
    return seats


@dataclass(frozen=True, slots=True)
class Profile:
    """How a pair tends to behave; each problem profile trips a metric or signal on purpose."""

    name: str
    skip: float = 0.03  # share of slots that silently did not happen (a gap)
    cancel: float = 0.08
    late: float = 0.25  # share of cancellations made within late_cancel_hours of the start
    lead_cancels: float = 0.5
    reschedule: float = 0.12
    shorten: float = 0.06
    unrecorded: float = 0.02  # left `scheduled` after it ended
    member_share: float = 0.6  # odds that the member wrote an agenda item
    status_share: float = 0.08
    promises: float = 0.45  # half the commitments per held meeting (it draws twice)
    done: float = 0.8  # share of commitments past their due date that were done
    stopped_days_ago: int | None = None  # neglected: one cancellation after this, then nothing
    next_meeting: str = "booked"  # booked | late (at_risk) | canceled (unbooked) | none
    started_days_ago: int = HISTORY_DAYS
    cadence_days: int | None = None  # else the pair's team's usual cadence


# One manager_report pair each; the name says which signal or cadence state it shows.
PROBLEMS: tuple[Profile, ...] = (
    Profile("frequent_cancellations", cancel=0.4, late=0.15, lead_cancels=0.85),
    Profile("late_cancellations", cancel=0.3, late=1.0, lead_cancels=0.3),
    Profile("one_sided_agenda", member_share=0.04),
    Profile("status_heavy", status_share=0.75),
    Profile("low_follow_through", done=0.3, promises=0.75),
    Profile("overdue", skip=0.2, cancel=0.2, stopped_days_ago=45, next_meeting="none"),
    Profile("overdue", skip=0.3, stopped_days_ago=80, next_meeting="none", done=0.5),
    Profile("unbooked", next_meeting="canceled"),
    Profile("at_risk", next_meeting="late"),
    Profile("shortened_meetings", shorten=0.7),
    Profile("irregular", skip=0.5, cancel=0.1, cadence_days=7),
    Profile("unrecorded", unrecorded=0.35),
    Profile("too_new", started_days_ago=11),
)


def healthy(rng: random.Random) -> Profile:
    """Healthy pairs still differ a little, so rollups show a spread rather than one value."""
    return Profile(
        "healthy",
        cancel=rng.uniform(0.03, 0.16),
        reschedule=rng.uniform(0.05, 0.2),
        member_share=rng.uniform(0.4, 0.65),
        status_share=rng.choice((0.05, 0.1, 0.15, 0.25)),
        done=rng.uniform(0.7, 0.92),
    )


def pair_behaviours(rng: random.Random, seats: list[Seat]) -> dict[int, tuple[Profile, int]]:
    """Profile and cadence per reporting seat: problem pairs, one weekly team, a few slow."""
    members = range(FIRST_MANAGER, len(seats))
    problems = dict(zip(rng.sample(members, len(PROBLEMS)), PROBLEMS, strict=True))
    weekly_lead = rng.randrange(FIRST_MANAGER, FIRST_IC)
    steady = [i for i in members if i not in problems and seats[i].manager != weekly_lead]
    slow = dict(zip(rng.sample(steady, 3), (21, 21, 28), strict=True))
    behaviours: dict[int, tuple[Profile, int]] = {}
    for index in range(1, len(seats)):
        profile = problems[index] if index in problems else healthy(rng)
        weekly = seats[index].manager == weekly_lead and profile.name != "too_new"
        cadence = profile.cadence_days or slow.get(index, 7 if weekly else 14)
        behaviours[index] = (profile, cadence)
    return behaviours


CANCEL_REASONS = ("conflict", "illness", "out_of_office", "no_topics", "emergency", "other")
CANCEL_WEIGHTS = (35, 12, 20, 13, 7, 13)

# How often each kind comes up; status updates are drawn first, at the pair's status_share.
KIND_WEIGHTS: dict[AgendaItemKind, int] = {
    AgendaItemKind.CHECK_IN: 12,
    AgendaItemKind.WIN: 12,
    AgendaItemKind.CHALLENGE: 14,
    AgendaItemKind.PRIORITY: 12,
    AgendaItemKind.GOAL: 10,
    AgendaItemKind.DEVELOPMENT: 12,
    AgendaItemKind.FEEDBACK: 12,
    AgendaItemKind.METRICS: 8,
    AgendaItemKind.OTHER: 4,
}

FIRST_NAMES: tuple[str, ...] = (
    "Amara", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiroshi", "Isabel", "Jonas",
    "Kavya", "Liam", "Maya", "Nikolai", "Olivia", "Pedro", "Quinn", "Rosa", "Samuel", "Tara",
    "Umar", "Valeria", "William", "Ximena", "Yusuf", "Zoe", "Aditya", "Bianca", "Carlos", "Dana",
    "Emeka", "Fiona", "Gabriel", "Hannah", "Ivan", "Julia", "Kenji", "Laura", "Mateo", "Nadia",
    "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Uma", "Victor", "Wen", "Yara", "Zain",
    "Alice", "Bruno", "Clara", "Diego", "Esther", "Felix", "Greta", "Hugo", "Ines", "Jamal",
    "Keira", "Leon", "Mina", "Noah",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Adeyemi", "Bauer", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "O'Connor", "Patel", "Quintero",
    "Rossi", "Schmidt", "Tanaka", "Underwood", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang",
    "Alvarez", "Becker", "Chen", "Da Silva", "Evans", "Fontaine", "Gupta", "Horvath", "Ibrahim",
    "Jovanovic", "Kim", "Larsen", "Mensah", "Novak", "Okafor", "Petrov", "Reyes", "Santos",
    "Thompson", "Ulrich", "Vasquez", "Weber", "Young", "Zimmermann", "Abbott", "Brennan",
    "Costa", "Dimitrov", "El-Amin", "Ferreira", "Grant", "Hoffmann", "Iyer", "Keller",
    "Lopez", "Murphy", "Nguyen", "Ortiz",
)  # fmt: skip

AGENDA_TITLES: dict[AgendaItemKind, tuple[str, ...]] = {
    AgendaItemKind.CHECK_IN: (
        "How are you doing, really?",
        "Energy check after the release week",
        "Back from vacation: catching up",
        "Workload this sprint",
        "How the new team setup feels",
    ),
    AgendaItemKind.WIN: (
        "Shipped the first milestone of {project}",
        "Customer praise for {project}",
        "Great demo on Friday",
        "Closed out a long-standing bug",
        "Helped a teammate get unblocked",
    ),
    AgendaItemKind.CHALLENGE: (
        "Blocked on review for {project}",
        "Too many meetings this week",
        "Unclear ownership on {project}",
        "Friction with another team's priorities",
        "Scope creep on {project}",
    ),
    AgendaItemKind.PRIORITY: (
        "What to drop to make room for {project}",
        "Priorities for the next two weeks",
        "Sequencing {project} against support work",
        "Is {project} still the top priority?",
    ),
    AgendaItemKind.GOAL: (
        "Quarterly goals check for {project}",
        "Are we on track for the OKRs?",
        "Defining done for {project}",
        "Stretch goal for this half",
    ),
    AgendaItemKind.DEVELOPMENT: (
        "Career growth: path to senior",
        "Conference talk proposal",
        "Learning plan for the next quarter",
        "Leading {project} as a growth step",
        "Mentoring a new hire",
        "Interest in moving toward management",
    ),
    AgendaItemKind.FEEDBACK: (
        "Feedback on my last presentation",
        "Feedback for you: how I can support better",
        "How the handover on {project} went",
        "Peer feedback from the last cycle",
        "Feedback on meeting load and focus time",
    ),
    AgendaItemKind.METRICS: (
        "Numbers for {project} this month",
        "Support response times are slipping",
        "Pipeline and forecast review",
        "Are these metrics reflective of the effort?",
    ),
    AgendaItemKind.STATUS_UPDATE: (
        "Status update on {project}",
        "Weekly status: tickets and deadlines",
        "Where {project} stands",
        "Task list review",
        "Progress report for the steering meeting",
    ),
    AgendaItemKind.OTHER: (
        "Team offsite planning",
        "Office move logistics",
        "Holiday coverage plan",
        "Budget for tools and training",
    ),
}

ITEM_DETAILS: tuple[str, ...] = (
    "Want to spend most of our time on this one.",
    "Short one, five minutes at most.",
    "Bringing a couple of options to choose from.",
    "Context is in the doc I shared yesterday.",
    "Would like your honest take.",
)

NOTE_BODIES: tuple[str, ...] = (
    "Agreed to split {project} into two smaller milestones and revisit the plan in two weeks.",
    "Talked through the blocker on {project}; escalation path is clear now.",
    "Good conversation about growth. Next step: pick one stretch project for the quarter.",
    "Workload is high but manageable. Revisit if on-call stays this noisy.",
    "Celebrated the launch. Shared the customer quote with the wider team.",
    "Feedback exchanged both ways; both of us will try shorter status threads in chat.",
    "Priorities reshuffled: {project} first, everything else after the release.",
    "Discussed the conference proposal; draft abstract due next week.",
    "Short meeting, nothing urgent. Mostly a check-in after a busy week.",
    "Reviewed the numbers together; the trend is good but the goal is still a stretch.",
    "Agreed on a plan for holiday coverage and who owns {project} meanwhile.",
    "Talked about ownership on {project}; writing it down so the team sees it.",
)

COMMITMENT_TITLES: tuple[str, ...] = (
    "Share a one-page plan for {project}",
    "Set up a meeting with the platform team about {project}",
    "Write up the decision on {project} for the team",
    "Send the conference abstract for review",
    "Draft the growth plan for next quarter",
    "Book focus time on the calendar",
    "Collect peer feedback before the next review",
    "Follow up with the customer on {project}",
    "Update the roadmap doc",
    "Introduce them to a mentor in another team",
    "Clean up the backlog for {project}",
    "Propose a new on-call rotation",
    "Review the budget request",
    "Pair with the new hire on {project}",
)

# Weights of the scores 1 to 5: people in healthy pairs rate their 1:1s higher (rating_avg).
HEALTHY_SCORES = (1, 3, 10, 45, 41)
STRAINED_SCORES = (4, 12, 34, 35, 15)

RATING_COMMENTS: dict[int, tuple[str, ...]] = {
    1: ("Canceled on me again, then rushed.", "We did not get to my topics at all."),
    2: ("Mostly status; could have been a message.", "Felt rushed."),
    3: ("Fine, a bit one-sided.", "Useful but we ran over."),
    4: ("Good conversation, clear next steps.", "Helpful feedback."),
    5: ("Really valuable, thank you.", "Best 1:1 in a while: we talked about growth."),
}
