"""The live signal's NOTIFY payload: ids only, within PostgreSQL's 8000 bytes, read back as
written; private-note signals that do not fit become a resync of the organization."""

from __future__ import annotations

import json
from uuid import uuid4

from app.persistence.live_notify import MAX_PAYLOAD_BYTES, TX_MARK, decode, encode
from app.services.ports.live import EventSpan, LiveSignal, PrivateNoteSignal


def _note(change: str = "updated") -> PrivateNoteSignal:
    return PrivateNoteSignal(uuid4(), uuid4(), uuid4(), change)


def test_a_signal_reads_back_as_written() -> None:
    signal = LiveSignal(uuid4(), EventSpan(812, 40, 43), (_note("created"), _note("deleted")))
    assert decode(encode(signal)) == signal


def test_the_transaction_id_is_left_for_the_database_to_fill() -> None:
    signal = LiveSignal(uuid4(), EventSpan(0, 7, 9))
    payload = encode(signal, TX_MARK)
    assert json.loads(payload)["e"] == [TX_MARK, 7, 9]
    filled = payload.replace(TX_MARK, "123456")
    assert decode(filled) == LiveSignal(signal.org_id, EventSpan(123456, 7, 9))


def test_private_notes_past_the_payload_limit_become_a_resync() -> None:
    notes = tuple(_note() for _ in range(200))
    payload = encode(LiveSignal(uuid4(), EventSpan(1, 1, 1), notes))
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    read = decode(payload)
    assert read is not None and read.overflowed
    assert 0 < len(read.private_notes) < len(notes)


def test_a_payload_this_version_cannot_read_is_ignored() -> None:
    assert decode("not json") is None
    assert decode(json.dumps({"o": "not a uuid"})) is None
    assert decode(json.dumps({"o": str(uuid4()), "p": [["a", "b"]]})) is None
