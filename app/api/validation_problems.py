"""The problems of input that fails validation or a rule on the input (422), part of
app.api.problem_catalog."""

from __future__ import annotations

from app.api.problem_kind import ProblemKind

VALIDATION_KINDS = [
    ProblemKind(
        "invalid_window",
        422,
        "Empty window",
        "A metrics window is [from, to): `from` must be before `to`.",
    ),
    ProblemKind(
        "window_too_long",
        422,
        "Window too long",
        "A metrics window spans at most three years (1,096 days).",
    ),
    ProblemKind(
        "invalid_scope",
        422,
        "Scope and person do not match",
        "scope=org takes no person_id; scope=lead and scope=team need one.",
    ),
    ProblemKind(
        "validation_error",
        422,
        "Invalid request",
        "A field is missing, unknown, of the wrong type or out of range; `errors` lists them.",
    ),
    ProblemKind(
        "unknown_field",
        422,
        "Unknown field",
        "The body has a field this operation does not take (no mass assignment).",
    ),
    ProblemKind(
        "wrong_type",
        422,
        "Wrong type",
        "A value has the wrong JSON type or cannot be parsed (e.g. a UUID or a date).",
    ),
    ProblemKind("missing_field", 422, "Missing field", "A required field is absent."),
    ProblemKind("too_long", 422, "Too long", "A string or list exceeds its maximum length."),
    ProblemKind(
        "invalid_cursor",
        422,
        "Invalid cursor",
        "The cursor was not issued by this list; pass `next_cursor` from the previous page.",
    ),
    ProblemKind(
        "null_field",
        422,
        "Field cannot be null",
        "PATCH sets fields to values; this field cannot be cleared.",
    ),
    ProblemKind(
        "unknown_reference",
        422,
        "Unknown reference",
        "A body field names a record that does not exist in the organization.",
    ),
    ProblemKind(
        "unknown_timezone",
        422,
        "Unknown timezone",
        "`timezone` must be an IANA name such as Europe/Paris.",
    ),
    ProblemKind(
        "naive_timestamp",
        422,
        "Timestamp without offset",
        "Instants are RFC 3339 with an offset, e.g. 2026-01-05T09:00:00Z.",
    ),
    ProblemKind(
        "reporting_cycle",
        422,
        "Reporting cycle",
        "Rule 8: a manager_id must never make someone report to themselves.",
    ),
    ProblemKind("self_pair", 422, "Self pair", "Rule 7: a pair needs two different people."),
    ProblemKind(
        "person_inactive",
        422,
        "Person deactivated",
        "Rule 7: pairs and reporting lines need active people.",
    ),
    ProblemKind(
        "cadence_out_of_policy",
        422,
        "Cadence outside policy",
        "Rule 7: cadence_days lies within the policy's min and max.",
    ),
    ProblemKind(
        "duration_out_of_policy",
        422,
        "Duration outside policy",
        "Rule 1: duration_minutes lies within the policy's min and max.",
    ),
    ProblemKind(
        "inconsistent_policy",
        422,
        "Inconsistent policy",
        "min <= target/default <= max for cadence and duration.",
    ),
    ProblemKind(
        "meeting_in_past",
        422,
        "Meeting in the past",
        "Rule 1: a meeting is scheduled in the future.",
    ),
    ProblemKind(
        "not_a_participant",
        422,
        "Not a participant",
        "Rules 3, 5, 6: authors, owners and cancellers are one of the pair's two people.",
    ),
    ProblemKind(
        "state_not_settable",
        422,
        "State set by the system",
        "An agenda item becomes carried_over only through the carry-over rule.",
    ),
    ProblemKind(
        "invalid_order",
        422,
        "Invalid order",
        "A new agenda order lists every item of the meeting exactly once.",
    ),
    ProblemKind(
        "private_note_needs_person",
        422,
        "Private note needs a person",
        "Private notes are written and read by their author only (person tokens).",
    ),
    ProblemKind(
        "no_default_template",
        422,
        "No default template",
        "Name a template with template_id; the organization has no default.",
    ),
    ProblemKind(
        "nothing_to_change",
        422,
        "Nothing to change",
        "A change (a PATCH, a GraphQL update) named no field to change, or rescheduling would"
        " keep the meeting where it is.",
    ),
    ProblemKind(
        "not_on_agenda",
        422,
        "Not on the agenda",
        "discussed_item_ids names items of another meeting.",
    ),
    ProblemKind("no_scopes", 422, "No scopes", "A service key needs at least one scope."),
]
