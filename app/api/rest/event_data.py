"""Events carry records as REST shows them: the response models render them (one
representation for responses, webhooks and the events feed)."""

from __future__ import annotations

from typing import Any

from app.api.rest.meeting_output import meeting_out
from app.api.schemas.common import Output
from app.api.schemas.content import AgendaItemOut, CommitmentOut, NoteOut
from app.api.schemas.meetings import RatingOut
from app.api.schemas.pairs import CadenceOut, PairOut
from app.api.schemas.people import PersonOut
from app.domain.events import Resource
from app.services.cadence import PairCadence
from app.services.meeting_views import MeetingView

_MODELS: dict[Resource, type[Output]] = {
    Resource.PERSON: PersonOut,
    Resource.PAIR: PairOut,
    Resource.AGENDA_ITEM: AgendaItemOut,
    Resource.NOTE: NoteOut,
    Resource.COMMITMENT: CommitmentOut,
    Resource.RATING: RatingOut,
}


class RestRenderer:
    """app.services.outbox.Renderer over the REST response models."""

    def record(self, resource: Resource, record: object) -> dict[str, Any]:
        if isinstance(record, MeetingView):
            return meeting_out(record).model_dump(mode="json")
        return _MODELS[resource].model_validate(record).model_dump(mode="json")

    def cadence(self, found: PairCadence) -> dict[str, Any]:
        return CadenceOut.of(found).model_dump(mode="json")
