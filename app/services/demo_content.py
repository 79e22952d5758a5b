"""Tables for the demo organization: how its pairs behave, its people, and the 1:1 texts.

Kept apart from `demo.py` so the generator reads as logic and this file reads as data.
Texts may name a `{project}`, filled from the pair's department.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.agenda import AgendaItemKind

HISTORY_DAYS = 190  # about six months of meetings before the import


@dataclass(frozen=True, slots=True)
class Profile:
    """How a pair tends to behave; each problem profile trips a metric or signal on purpose."""

    name: str
    skip: float = 0.03  # odds that a slot silently did not happen (a gap)
    cancel: float = 0.08
    late: float = 0.25  # share of cancellations made within late_cancel_hours of the start
    lead_cancels: float = 0.5
    reschedule: float = 0.12
    shorten: float = 0.06
    unrecorded: float = 0.02  # left `scheduled` after it ended
    member_share: float = 0.6  # odds that the member wrote an agenda item
    status_share: float = 0.08
    done: float = 0.8  # odds that a commitment past its due date was done
    dropped: float = 0.08
    stopped_days_ago: int | None = None  # neglected: one cancellation after this, then nothing
    next_meeting: str = "booked"  # booked | late (at_risk) | canceled (unbooked) | none
    started_days_ago: int = HISTORY_DAYS


# One manager_report pair each; the name says which signal or cadence state it shows.
PROBLEMS: tuple[Profile, ...] = (
    Profile("frequent_cancellations", cancel=0.45, late=0.45, lead_cancels=0.85),
    Profile("late_cancellations", cancel=0.35, late=0.8, lead_cancels=0.3),
    Profile("one_sided_agenda", member_share=0.04),
    Profile("status_heavy", status_share=0.75, member_share=0.75),
    Profile("low_follow_through", done=0.3, dropped=0.1),
    Profile("overdue", skip=0.2, cancel=0.2, stopped_days_ago=45, next_meeting="none"),
    Profile("overdue", skip=0.3, stopped_days_ago=80, next_meeting="none", done=0.5),
    Profile("unbooked", next_meeting="canceled"),
    Profile("at_risk", next_meeting="late"),
    Profile("shortened_meetings", shorten=0.7),
    Profile("irregular", skip=0.55, cancel=0.12),
    Profile("unrecorded", unrecorded=0.35),
    Profile("too_new", started_days_ago=11),
)

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
