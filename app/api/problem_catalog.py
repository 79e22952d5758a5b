"""Every problem `code` the API answers with: its status, title and what it means.

`/problems/{code}` serves these pages, and the OpenAPI document declares per operation
which codes it can return.
"""

from __future__ import annotations

from app.api.problem_kind import ProblemKind
from app.api.validation_problems import VALIDATION_KINDS

__all__ = ["BY_SLUG", "CATALOG", "ProblemKind"]


_KINDS = [
    # Transport and access.
    ProblemKind(
        "malformed_request",
        400,
        "Malformed request",
        "The body is not valid JSON or the request cannot be read.",
    ),
    ProblemKind(
        "unknown_parameter",
        400,
        "Unknown query parameter",
        "The operation does not read this query parameter (`parameters` names each); it is"
        " refused rather than ignored, so that a misspelt filter is noticed.",
    ),
    ProblemKind(
        "payload_too_large",
        413,
        "Payload too large",
        "The request body is larger than the server accepts (RAPPORT_HTTP_MAX_BODY_BYTES);"
        " nothing was read past the limit and nothing was changed. Send less per request.",
    ),
    ProblemKind(
        "unsupported_media_type",
        415,
        "Unsupported media type",
        "Bodies are JSON: send `Content-Type: application/json` (operations without a body"
        " take none).",
    ),
    ProblemKind(
        "unauthorized",
        401,
        "Missing credential",
        "Send `Authorization: Bearer rpt_…` (a service key) or a person token.",
    ),
    ProblemKind(
        "invalid_credential",
        401,
        "Invalid credential",
        "The credential is unknown, revoked or malformed.",
    ),
    ProblemKind(
        "insufficient_scope",
        403,
        "Missing scope",
        "The credential lacks the scope this operation needs; `required_scope` names it.",
    ),
    ProblemKind(
        "invalid_idempotency_key",
        400,
        "Invalid Idempotency-Key",
        "The `Idempotency-Key` header is empty, longer than 255 characters, sent twice, or"
        " not visible ASCII (bare or as a quoted string); nothing was run.",
    ),
    ProblemKind(
        "idempotency_key_in_use",
        409,
        "Idempotency-Key in use",
        "Another request with this `Idempotency-Key` (same credential) is still being"
        " handled; nothing was run. Retry after `Retry-After` to receive its answer.",
    ),
    ProblemKind(
        "idempotency_key_reused",
        422,
        "Idempotency-Key reused",
        "This `Idempotency-Key` (same credential, last 24 hours) answered a request with"
        " another path or body; nothing was run. A new request needs a new key.",
    ),
    ProblemKind(
        "rate_limited",
        429,
        "Too many requests",
        "The credential's or the organization's request budget is spent (the `RateLimit`"
        " header says which); nothing was changed. Retry after the `Retry-After` seconds.",
    ),
    ProblemKind(
        "invalid_rate_limit",
        422,
        "Invalid rate limit",
        "A budget is written like `100/second` or `6000/minute`, and an organization may only"
        " lower the service's budgets.",
    ),
    ProblemKind(
        "admin_only",
        403,
        "Admins only",
        "People, pairs, policy and templates are managed by admins.",
    ),
    ProblemKind(
        "not_yourself",
        403,
        "Acting as someone else",
        "A person token acts as its person only: author, canceller and rater are that person.",
    ),
    ProblemKind(
        "not_author", 403, "Not the author", "Only the author of a note changes or deletes it."
    ),
    ProblemKind(
        "service_key_only", 403, "Service keys only", "Person tokens cannot use this operation."
    ),
    ProblemKind(
        "person_token_only",
        403,
        "Person tokens only",
        "This operation acts for a signed-in person.",
    ),
    ProblemKind(
        "not_your_team",
        403,
        "Outside your team",
        "A person sees the metrics of their own pairs and of the people below them; rollups of"
        " the whole organization are for admins and service keys.",
    ),
    ProblemKind(
        "not_found",
        404,
        "Not found",
        "Nothing with this id exists for the caller (other organizations' records never do).",
    ),
    ProblemKind(
        "method_not_allowed",
        405,
        "Method not allowed",
        "The path exists but not with this method; `Allow` lists the methods.",
    ),
    ProblemKind(
        "not_acceptable", 406, "Not acceptable", "The requested media type cannot be produced."
    ),
    ProblemKind(
        "unsupported_media_type",
        415,
        "Unsupported media type",
        "Send JSON bodies with `Content-Type: application/json`.",
    ),
    ProblemKind(
        "internal_error",
        500,
        "Internal error",
        "An unexpected fault; the log has the details under the request id.",
    ),
    # Input validation (422): app.api.validation_problems.
    *VALIDATION_KINDS,
    # State conflicts (409).
    ProblemKind(
        "duplicate_email",
        409,
        "Duplicate email",
        "Emails are unique per organization, regardless of case.",
    ),
    ProblemKind(
        "duplicate_external_id",
        409,
        "Duplicate external id",
        "external_id is unique per organization.",
    ),
    ProblemKind(
        "duplicate_pair",
        409,
        "Duplicate pair",
        "Rule 7: at most one non-ended pair per lead, member and kind.",
    ),
    ProblemKind(
        "duplicate_template_name",
        409,
        "Duplicate template name",
        "Template names are unique per organization.",
    ),
    ProblemKind(
        "person_deactivated",
        409,
        "Person deactivated",
        "The person is deactivated; this change no longer applies.",
    ),
    ProblemKind(
        "pair_not_active", 409, "Pair not active", "Rule 1: only active pairs schedule meetings."
    ),
    ProblemKind("pair_ended", 409, "Pair ended", "Rule 7: an ended pair no longer changes."),
    ProblemKind(
        "schedule_conflict",
        409,
        "Schedule conflict",
        "Rule 1: one of the two people has an overlapping scheduled meeting;"
        " `conflicting_meeting_id` names it.",
    ),
    ProblemKind("meeting_closed", 409, "Meeting closed", "Rule 5: only scheduled meetings change."),
    ProblemKind(
        "concurrent_change",
        409,
        "Concurrent change",
        "Another request changed the same records at the same moment; nothing was changed.",
    ),
    ProblemKind(
        "precondition_failed",
        412,
        "Precondition failed",
        "The record has changed since you read it: `If-Match` (or GraphQL's `ifVersion`) names"
        " a version it is no longer at. Nothing was changed. The answer carries the current"
        " `ETag` (and `current_version`): read the record again, then retry with it.",
    ),
    ProblemKind(
        "precondition_required",
        428,
        "Precondition required",
        "This organization's policy (`require_if_match`) requires every edit to name the"
        " version it changes: send `If-Match` with the record's `ETag` (GraphQL: `ifVersion`)."
        " Nothing was changed.",
    ),
    ProblemKind(
        "meeting_not_started",
        409,
        "Meeting not started",
        "Rule 4: a meeting can be completed from 15 minutes before its start.",
    ),
    ProblemKind(
        "meeting_not_completed", 409, "Meeting not completed", "Only completed meetings are rated."
    ),
    ProblemKind(
        "already_rated",
        409,
        "Already rated",
        "One rating per participant; send replace: true to change it.",
    ),
    # Person credentials and sign-in (privacy contract, rule 5).
    ProblemKind(
        "token_expired",
        401,
        "Token expired",
        "The person token or ID token has expired; get a new one.",
    ),
    ProblemKind(
        "identity_provider_unavailable",
        503,
        "Identity provider unavailable",
        "The organization's OpenID Connect provider's keys (JWKS) cannot be fetched right"
        " now, so an ID token cannot be verified; retry after `Retry-After` seconds.",
    ),
    ProblemKind(
        "admin_token_needs_admin_key",
        403,
        "Admin token needs an admin key",
        "Only a service key with the admin scope can mint a person token for an admin.",
    ),
    ProblemKind(
        "oidc_sign_in_only",
        403,
        "Sign-in through the identity provider",
        "The organization signs its people in with OpenID Connect; no service key can mint"
        " person tokens for it.",
    ),
    ProblemKind(
        "oidc_incomplete",
        422,
        "OpenID Connect settings incomplete",
        "OpenID Connect sign-in needs issuer, audience and jwks_url.",
    ),
    ProblemKind(
        "unsafe_provider_url",
        422,
        "Unsafe identity provider URL",
        "Identity provider URLs are https on a public host (no loopback, private or reserved"
        " address, no user information).",
    ),
    ProblemKind(
        "sign_in_in_use",
        409,
        "Issuer and audience in use",
        "Another organization already signs in with this issuer and audience; an ID token"
        " finds its organization by that pair, so each pair serves one organization.",
    ),
    # Limits and failure: the HTTP server's limits and the database's availability.
    ProblemKind(
        "request_timeout",
        408,
        "Request timeout",
        "The request line and headers did not arrive within the server's header timeout;"
        " the connection is closed.",
    ),
    ProblemKind(
        "uri_too_long",
        414,
        "URI too long",
        "The request target (path and query string) exceeds the server's header limit"
        " (64 KB by default); the connection is closed.",
    ),
    ProblemKind(
        "headers_too_large",
        431,
        "Request headers too large",
        "The request line and headers exceed the server's limit (64 KB by default);"
        " the connection is closed.",
    ),
    ProblemKind(
        "database_unavailable",
        503,
        "Database unavailable",
        "The database cannot be reached (a restart, a failover) or every connection is busy;"
        " nothing was changed. Retry after the `Retry-After` seconds.",
    ),
]

# Provisioning: login names, reactivation and the directory sync.
_KINDS += [
    ProblemKind(
        "duplicate_username",
        409,
        "Duplicate username",
        "Login names (`username`, SCIM's userName) are unique per organization, regardless"
        " of case.",
    ),
    ProblemKind(
        "person_active",
        409,
        "Person active",
        "Only a deactivated person can be reactivated.",
    ),
    ProblemKind(
        "invalid_directory",
        422,
        "Invalid directory",
        "Rows of a directory sync are invalid; `errors` lists every bad row as"
        " `{row, code, detail}` (codes: `unknown_manager`, `ambiguous_manager`,"
        " `manager_inactive`, `reporting_cycle`, `duplicate_email`, `duplicate_external_id`,"
        " `duplicate_username`, `unknown_timezone`). Nothing was written.",
    ),
]

# Sign-in bindings: a person signs in with the provider account that first signed in as them.
_KINDS += [
    ProblemKind(
        "bound_to_another_account",
        401,
        "Person bound to another account",
        "The ID token is genuine, but the person its claim names (by email or external_id)"
        " signs in with another account of the identity provider: the account that first"
        " signed in as them. Changing their email or external_id does not move that binding;"
        " an admin key removes it (`DELETE /v1/people/{person_id}/sign-in-bindings`).",
    ),
]

# GraphQL's limits: errors of a GraphQL response (HTTP 200, `data: null`), refused before
# anything runs or stopped before anything is kept (docs/security.md, "Limits").
_KINDS += [
    ProblemKind(
        "query_too_complex",
        422,
        "Query too complex",
        "The GraphQL document would cost more than the budget: every field counts once, a"
        " connection's `nodes` and `edges` once per item of the page asked for, fragments"
        " expanded and every operation of the document counted. Nothing ran.",
    ),
    ProblemKind(
        "time_budget_exceeded",
        503,
        "Time budget exceeded",
        "The GraphQL request ran past its time budget (RAPPORT_GRAPHQL_TIME_BUDGET_SECONDS):"
        " it started no further field and kept none of its work (a mutation request is"
        " rolled back). Ask for smaller pages or fewer nested lists.",
    ),
]

# Events out: webhook endpoints and the events feed.
_KINDS += [
    ProblemKind(
        "webhook_url_refused",
        422,
        "Webhook URL refused",
        "A webhook endpoint's `url` must be an absolute https URL without credentials whose"
        " host resolves only to public addresses (never loopback, private, link-local or"
        " reserved ones): Rapport posts to it from inside its network.",
    ),
    ProblemKind(
        "webhook_endpoint_disabled",
        409,
        "Webhook endpoint disabled",
        "The endpoint is disabled (by request, or because it answered 410 Gone); enable it"
        " with `PATCH /v1/webhook-endpoints/{id}` and `enabled: true` first.",
    ),
]

CATALOG: dict[str, ProblemKind] = {kind.code: kind for kind in _KINDS}
BY_SLUG: dict[str, ProblemKind] = {kind.code.replace("_", "-"): kind for kind in _KINDS}
