"""Agenda templates: ordered sections with prompt questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.domain.agenda import AgendaItemKind


@dataclass(frozen=True, slots=True)
class TemplateSection:
    kind: AgendaItemKind
    title: str
    prompts: tuple[str, ...]


@dataclass(slots=True)
class Template:
    id: UUID
    org_id: UUID
    name: str
    description: str | None
    sections: list[TemplateSection]
    is_default: bool
    created_at: datetime
    updated_at: datetime


DEFAULT_TEMPLATE_NAME = "Check-in, metrics, goals, development"
DEFAULT_TEMPLATE_DESCRIPTION = (
    "A standard format that stays flexible: start with the human, review metrics,"
    " discuss goals, then development."
)

# The seeds' basic template (check-in 4-5 min, metrics, goals, development) with the
# questions they suggest asking before and during the meeting.
DEFAULT_TEMPLATE_SECTIONS: tuple[TemplateSection, ...] = (
    TemplateSection(
        AgendaItemKind.CHECK_IN,
        "Check-in",
        (
            "How are you doing… really?",
            "What's going well for you this week?",
            "What's been weighing on you the most?",
        ),
    ),
    TemplateSection(
        AgendaItemKind.METRICS,
        "Metrics and performance",
        (
            "Are these metrics reflective of your efforts?",
            "What barriers are affecting your performance?",
            "Do you need additional support to achieve your goals?",
        ),
    ),
    TemplateSection(
        AgendaItemKind.GOAL,
        "Goals",
        (
            "What's the most important thing you're focused on right now?",
            "Are you on track to hit your objectives? What roadblocks are you facing?",
            "What obstacles are you facing?",
        ),
    ),
    TemplateSection(
        AgendaItemKind.DEVELOPMENT,
        "Development",
        (
            "What's something you've learned recently that excited you?",
            "What's next for you, and what would help you get there?",
            "Do you have any feedback for me or the team?",
        ),
    ),
)


def section_details(section: TemplateSection) -> str:
    """An agenda item made from a section carries its prompts as details, one per line."""
    return "\n".join(f"- {prompt}" for prompt in section.prompts)
