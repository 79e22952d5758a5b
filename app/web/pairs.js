// My pairs, most in need first: overdue, unbooked, at risk, on track (then paused and
// ended), and within a state the lowest health first.

import { graphql, session } from "./api.js";
import { lastYear, monthlyChart } from "./chart.js";
import { day, h, show } from "./dom.js";

const MY_PAIRS = `query MyPairs($me: UUID!, $since: DateTime!) {
  timeseries(bucket: MONTH, scope: TEAM, personId: $me, from: $since) {
    points { window { from } counts { held canceled } }
  }
  me {
    person { id name }
    pairs(first: 200) {
      nodes {
        id kind status
        lead { id name }
        member { id name }
        cadence { state dueAt nextAt lastHeldAt }
        metrics { healthScore }
      }
    }
  }
}`;

export const STATES = {
  OVERDUE: "Overdue",
  UNBOOKED: "Unbooked",
  AT_RISK: "At risk",
  ON_TRACK: "On track",
  PAUSED: "Paused",
  ENDED: "Ended",
};
const NEED = Object.keys(STATES);

export function byNeed(a, b) {
  const state = NEED.indexOf(a.cadence?.state) - NEED.indexOf(b.cadence?.state);
  if (state) return state;
  const health = (pair) => pair.metrics?.healthScore ?? 101;
  return health(a) - health(b);
}

export function stateBadge(state) {
  return h("span", { class: `badge state-${(state ?? "none").toLowerCase()}` },
    STATES[state] ?? "—");
}

export async function pairsScreen(main) {
  const since = lastYear()[0].from;
  const { me, timeseries } = await graphql(MY_PAIRS,
    { me: session().person.id, since: since.toISOString() });
  const pairs = [...me.pairs.nodes].sort(byNeed);
  const items = pairs.map((pair) => {
    const other = pair.lead.id === me.person.id ? pair.member : pair.lead;
    const role = pair.lead.id === me.person.id ? "you lead" : "leads you";
    const health = pair.metrics?.healthScore;
    return h("li", { class: "pair" },
      h("a", { href: `#/pairs/${pair.id}`, class: "pair-link" },
        h("span", { class: "name" }, other.name),
        h("span", { class: "meta" }, `${role} · ${pair.kind.toLowerCase().replace("_", " ")}`)),
      stateBadge(pair.cadence?.state),
      h("span", { class: "health", title: "Health score over the last 90 days" },
        health === null || health === undefined ? "Health —" : `Health ${health}`),
      h("span", { class: "meta" }, pair.cadence?.nextAt
        ? `Next ${day(pair.cadence.nextAt)}` : `Due ${day(pair.cadence?.dueAt)}`));
  });
  const leads = pairs.some((pair) => pair.lead.id === me.person.id);
  const team = timeseries.points.map((point) => ({
    from: new Date(point.window.from),
    held: point.counts.held,
    canceled: point.counts.canceled,
    health: null,
  }));
  show(main,
    h("h1", {}, "My pairs"),
    h("p", {}, `${pairs.length} pairs, the ones that need you most first.`),
    pairs.length ? h("ul", { class: "pairs" }, items) : h("p", {}, "You are in no pair yet."),
    leads ? h("section", { "aria-labelledby": "team-heading" },
      h("h2", { id: "team-heading" }, "Your team's 1:1s per month"),
      monthlyChart(team, "Meetings held and canceled per month in the pairs led by you or anyone"
        + " below you")) : null);
}
