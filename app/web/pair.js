// One pair: health and held/canceled meetings per month over the last year, the open
// commitments and the next meeting. One query: the pair's metrics once per calendar month
// (twelve aliased `metrics(from, to)` windows; see README.md for why not `timeseries`), and
// the first scheduled meeting from two hours ago on.

import { graphql } from "./api.js";
import { lastYear, monthlyChart } from "./chart.js";
import { day, h, moment, show } from "./dom.js";
import { stateBadge } from "./pairs.js";

function pairQuery(months) {
  const parameters = months.map((_, i) => `$from${i}: DateTime!, $to${i}: DateTime!`).join(", ");
  const windows = months
    .map((_, i) => `month${i}: metrics(from: $from${i}, to: $to${i}) { healthScore held canceled }`)
    .join("\n    ");
  return `query Pair($id: UUID!, $since: DateTime!, ${parameters}) {
  me { person { id } }
  pair(id: $id) {
    id kind status cadenceDays
    lead { id name }
    member { id name }
    cadence { state dueAt nextAt lastHeldAt }
    ${windows}
    commitments(status: OPEN, first: 100) { nodes { id title dueOn owner { name } } }
  }
  meetings(pairId: $id, status: SCHEDULED, startsAfter: $since, first: 1) {
    nodes { id startsAt }
  }
}`;
}

export async function pairScreen(main, pairId) {
  const months = lastYear();
  // A meeting under way (started within the last two hours) is still the next one.
  const since = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
  const variables = { id: pairId, since };
  months.forEach((window, i) => {
    variables[`from${i}`] = window.from.toISOString();
    variables[`to${i}`] = window.to.toISOString();
  });
  const { me, pair, meetings } = await graphql(pairQuery(months), variables);
  if (!pair) {
    show(main, h("h1", {}, "Pair not found"), h("p", {}, h("a", { href: "#/" }, "Back to my pairs")));
    return;
  }
  const other = pair.lead.id === me.person.id ? pair.member : pair.lead;
  const points = months.map((window, i) => ({
    from: window.from,
    held: pair[`month${i}`]?.held ?? 0,
    canceled: pair[`month${i}`]?.canceled ?? 0,
    health: pair[`month${i}`]?.healthScore ?? null,
  }));
  const next = meetings.nodes[0];
  const commitments = pair.commitments?.nodes ?? [];
  show(main,
    h("p", {}, h("a", { href: "#/" }, "← My pairs")),
    h("h1", {}, `${pair.lead.name} & ${pair.member.name}`),
    h("p", { class: "summary" }, stateBadge(pair.cadence?.state),
      ` Every ${pair.cadenceDays} days · last held ${day(pair.cadence?.lastHeldAt)} · due ${day(pair.cadence?.dueAt)}`),
    h("section", { "aria-labelledby": "next-heading" },
      h("h2", { id: "next-heading" }, "Next meeting"),
      next
        ? h("p", {}, h("a", { href: `#/meetings/${next.id}`, class: "button" },
          `Open the meeting of ${moment(next.startsAt)}`))
        : h("p", {}, "No meeting is booked.")),
    h("section", { "aria-labelledby": "chart-heading" },
      h("h2", { id: "chart-heading" }, "The last twelve months"),
      monthlyChart(points, `Meetings with ${other.name} per month: held, canceled and health`)),
    h("section", { "aria-labelledby": "commitments-heading" },
      h("h2", { id: "commitments-heading" }, `Open commitments (${commitments.length})`),
      commitments.length
        ? h("ul", { class: "commitments" }, commitments.map((c) => h("li", {},
          h("span", {}, c.title),
          h("span", { class: "meta" }, `${c.owner?.name ?? ""} · due ${day(c.dueOn)}`))))
        : h("p", {}, "None open.")));
}
