"""Rules the document states in words: what a schema-valid request must also respect because
of the stored data, the clock or the service's configuration. A positive generated case is
brought within them before it is sent (its values replaced by ones the rule accepts, still
schema-valid), so that the positive-data check tests the operation rather than the
generator's ignorance of the organization's records. Each rule names what it stands for:

- references (`lead_id`, `pair_id`, `person_id`, …) name existing records
  (`unknown_reference`): the contract organization's own;
- `timezone` is an IANA name the server's database knows (`unknown_timezone`);
- a meeting starts in the future, and durations and cadences lie within the organization's
  policy (`meeting_in_past`, `out_of_policy`);
- a reschedule changes the meeting's start or its duration (`nothing_to_change`): a start
  is never sent twice, and a duration sent alone that the meeting already has is replaced
  by another one the policy allows;
- a PATCH of the policy keeps min ≤ target ≤ max with the stored values (`invalid_policy`);
  the stored policy is restored after each change;
- an organization's budgets only lower the service's, over any span of time
  (`invalid_rate_limit`);
- URLs name public hosts that resolve (`webhook_url_refused`, `unsafe_provider_url`): a
  fixed public https URL stands in for the generated one;
- cursors are values the API issued (`invalid_cursor`): a generated one is left out;
- a metrics window has `from` before `to` and spans at most 1,096 days; `lead` and `team`
  roll-ups name their person and `org` ones none (`invalid_window`, `window_too_long`,
  `invalid_scope`); groups are provisioned over SCIM, so a generated `group_id` is left out;
- `/v1/me/…` and private notes act for a signed-in person: they are sent with a person
  token of the organization's member (`person_token_only`);
- applying a template names an existing template (`unknown_reference`), or relies on the
  organization's default one (`no_default_template`), which a linked call may have replaced
  and deleted: the contract organization's template is named;
- the person a service key acts for (`canceled_by_id`, `author_id`, a rating's
  `person_id`) is sent, and is one of the pair's two people (`missing_field`,
  `not_a_participant`);
- a directory row's manager is another row or a person (`unknown_manager`), and its email
  is no other person's (`duplicate_email`): generated manager references are left out,
  and emails replaced by distinct ones; the people a sync deactivates are reactivated after it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import schemathesis
from pydantic import TypeAdapter
from schemathesis import GenerationMode

from app.api.schemas.common import Instant
from app.api.schemas.settings import PolicyUpdate
from app.services.rate_limit_settings import budget, lowers
from tests.conftest import Live
from tests.contract.calls import restore_optional_if_match
from tests.support.live import SUITE_BUDGETS
from tests.support.tenants import Tenant

TIMEZONE = "Europe/Paris"
WEBHOOK_URL = "https://hooks.example.com/contract"
PROVIDER = {"issuer": "https://id.example.com", "jwks_url": "https://id.example.com/jwks"}
WINDOW = timedelta(days=1096)
INSTANT: TypeAdapter[Any] = TypeAdapter(Instant)
POLICY_ORDER = (
    ("min_cadence_days", "target_cadence_days", "max_cadence_days"),
    ("min_duration_minutes", "default_duration_minutes", "max_duration_minutes"),
)
# Who acts, "required for service keys": a participant of the contract pair.
ACTING = {
    "/cancel": "canceled_by_id",
    "/ratings": "person_id",
    "/agenda-items": "author_id",
    "/apply-template": "author_id",
    "/notes": "author_id",
}
BUDGET_SETTINGS = {"per_key": "rate_limit_key", "per_organization": "rate_limit_organization"}
CADENCE, DURATION = ("min_cadence_days", "max_cadence_days"), POLICY_ORDER[1][::2]


@dataclass
class ContractWorld:
    """The contract organization's records that generated references are pointed at."""

    live: Live
    tenant: Tenant
    references: dict[str, str]
    member_token: str
    policy: dict[str, Any]
    people: list[str]
    sign_in: dict[str, Any] = field(default_factory=lambda: {"mode": "tokens"})
    calls: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def build(cls, live: Live, tenant: Tenant) -> ContractWorld:
        boss = tenant.person(name="Boss")
        lead = tenant.person(name="Lead", manager_id=boss["id"])
        member = tenant.person(name="Member", manager_id=lead["id"])
        pair = tenant.call("GET", "/v1/pairs", params={"member_id": member["id"]}).json()
        meeting = tenant.meeting(pair["data"][0]["id"], timedelta(days=3))
        references = {
            "lead_id": boss["id"],
            "member_id": member["id"],
            "person_id": member["id"],
            "owner_id": member["id"],
            "author_id": member["id"],
            "canceled_by_id": member["id"],
            "manager_id": boss["id"],
            "pair_id": pair["data"][0]["id"],
            "meeting_id": meeting["id"],
        }
        token = tenant.call(
            "POST", "/v1/person-tokens", json={"person_id": member["id"], "ttl_seconds": 43200}
        )
        template = tenant.create(
            "/v1/templates",
            {
                "name": "Contract",
                "sections": [{"kind": "win", "title": "Wins"}],
                "is_default": True,
            },
        )
        references["template_id"] = template["id"]
        stored = tenant.call("GET", "/v1/policy").json()
        policy = {name: stored[name] for name in PolicyUpdate.model_fields}
        people = [boss["id"], lead["id"], member["id"]]
        return cls(live, tenant, references, token.json()["token"], policy, people)

    def prepare(self, case: schemathesis.Case) -> dict[str, str]:  # type: ignore[type-arg]
        """Bring a positive case within the rules above (a negative one is left as it is);
        returns the credential to send it with when it is not the key's (the headers of the
        call, so that schemathesis knows it for a given credential, not a generated one)."""
        if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
            return {}
        path = case.operation.path
        if isinstance(case.body, dict):
            self._body(path, case.body)
            if case.method.upper() == "PATCH" and path == "/v1/meetings/{meeting_id}":
                self._reschedule(str(case.path_parameters["meeting_id"]), case.body)
        if case.query:
            self._query(case.query)
        private_note = isinstance(case.body, dict) and case.body.get("visibility") == "private"
        if not (path.startswith("/v1/me/") or private_note):
            return {}
        return {"Authorization": f"Bearer {self.member_token}"}

    def restore(self, case: schemathesis.Case) -> None:  # type: ignore[type-arg]
        """Undo what a call changed that later calls depend on (policy, sign-in, the people
        a directory sync deactivated)."""
        if case.method.upper() == "GET":
            return
        if case.operation.path == "/v1/directory/sync":
            for person_id in self.people:
                self.tenant.call("POST", f"/v1/people/{person_id}/reactivate", json={})
        if case.operation.path == "/v1/policy":
            restore_optional_if_match(self.live, self.tenant)
            self.tenant.call("PATCH", "/v1/policy", json=self.policy)
        if case.operation.path == "/v1/sign-in":
            self.tenant.call("PUT", "/v1/sign-in", json=self.sign_in)

    def _body(self, path: str, body: dict[str, Any]) -> None:
        for name, value in self.references.items():
            if body.get(name) is not None:
                body[name] = value
        acting = next((name for end, name in ACTING.items() if path.endswith(end)), None)
        if acting is not None:
            body[acting] = self.references[acting]
        if path.endswith("/apply-template"):
            body["template_id"] = self.references["template_id"]
        if body.get("timezone") is not None:
            body["timezone"] = TIMEZONE
        if body.get("starts_at") is not None:
            body["starts_at"] = self._fresh_start()
        for name in ("cadence_days", "duration_minutes"):
            bounds = CADENCE if name == "cadence_days" else DURATION
            if body.get(name) is not None:
                low, high = (self.policy[bound] for bound in bounds)
                body[name] = min(max(int(body[name]), low), high)
        if path == "/v1/policy":
            self._policy(body)
        if path.startswith("/v1/webhook-endpoints") and body.get("url") is not None:
            body["url"] = WEBHOOK_URL
        if path == "/v1/sign-in":
            body.update({name: url for name, url in PROVIDER.items() if body.get(name)})
        if path == "/v1/rate-limits":
            for name, setting in BUDGET_SETTINGS.items():
                ceiling = SUITE_BUDGETS[setting]
                if body.get(name) and not lowers(budget(body[name]), budget(ceiling)):
                    body[name] = ceiling
        if path == "/v1/directory/sync":
            self._directory(body)

    def _reschedule(self, meeting_id: str, body: dict[str, Any]) -> None:
        duration = body.get("duration_minutes")
        if body.get("starts_at") is not None or duration is None:
            return
        meeting = self.tenant.call("GET", f"/v1/meetings/{meeting_id}")
        if meeting.status_code != 200 or meeting.json()["duration_minutes"] != duration:
            return  # an unknown meeting is a 404, which the check expects
        low, high = (self.policy[bound] for bound in DURATION)
        if low == high:  # no other duration: move it instead
            body["starts_at"] = self._fresh_start()
        else:
            body["duration_minutes"] = high if duration == low else low

    def _fresh_start(self) -> str:
        """A month ahead, and never twice the same instant: the clock may be pinned, and
        moving a meeting to where it already is changes nothing (422)."""
        ahead = timedelta(days=30, minutes=5 * next(self.calls))
        return str((self.live.clock() + ahead).isoformat())

    def _policy(self, body: dict[str, Any]) -> None:
        for names in POLICY_ORDER:
            if any(name in body for name in names):
                values = sorted(int(body.get(name, self.policy[name])) for name in names)
                body.update(zip(names, values, strict=True))

    def _directory(self, body: dict[str, Any]) -> None:
        call = next(self.calls)
        for index, row in enumerate(body.get("people", [])):
            row["external_id"] = f"row-{index}-{row['external_id']}"[:200]
            if row.get("email") is not None:
                row["email"] = f"sync{call}.row{index}@example.com"
            if row.get("timezone") is not None:
                row["timezone"] = TIMEZONE
            row.pop("manager_external_id", None)
            row.pop("manager_email", None)

    def _query(self, query: dict[str, Any]) -> None:
        query.pop("cursor", None)
        query.pop("after", None)
        query.pop("group_id", None)
        for name in ("lead_id", "team_of"):
            if query.get(name) is not None:
                query[name] = self.references["lead_id"]
        if query.get("scope") in ("lead", "team"):
            query["person_id"] = self.references["lead_id"]
        elif "scope" in query:
            query.pop("person_id", None)
        start, end = query.get("from"), query.get("to")
        if start is None:
            return
        end_at = INSTANT.validate_python(end) if end is not None else self.live.clock()
        if not timedelta(0) < end_at - INSTANT.validate_python(start) <= WINDOW:
            query["from"] = (end_at - timedelta(days=30)).isoformat()
