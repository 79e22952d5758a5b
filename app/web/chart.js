// An inline SVG chart (no library): held and canceled meetings per month as bars, the
// health score (0–100) as a line over them, with a table of the same figures for people
// who do not see the chart.

import { h, month } from "./dom.js";

const MONTHS = 12;

/** The last twelve calendar months (UTC), oldest first; the current one ends now. */
export function lastYear(now = new Date()) {
  const months = [];
  for (let back = MONTHS - 1; back >= 0; back -= 1) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1));
    months.push({ from, to: back === 0 ? now : next });
  }
  return months;
}

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 40, bottom: 28, left: 32 };

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** points: [{from: Date, held, canceled, health (0–100 or null)}], oldest first; the
 * health line and its scale appear when some month has a score. */
export function monthlyChart(points, caption) {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const most = Math.max(1, ...points.map((p) => p.held + p.canceled));
  const countY = (n) => PAD.top + plotHeight - (n / most) * plotHeight;
  const healthY = (score) => PAD.top + plotHeight - (score / 100) * plotHeight;
  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: "chart",
    role: "img",
    "aria-label": caption,
  });
  svg.append(
    s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: countY(0), y2: countY(0), class: "axis" }),
    s("text", { x: 4, y: countY(most) + 4, class: "tick" }, String(most)),
  );
  const line = [];
  points.forEach((point, index) => {
    const x = PAD.left + index * slot;
    const bar = slot * 0.35;
    svg.append(
      s("rect", {
        x: x + slot * 0.12,
        y: countY(point.held),
        width: bar,
        height: countY(0) - countY(point.held),
        class: "held",
      }),
      s("rect", {
        x: x + slot * 0.12 + bar,
        y: countY(point.canceled),
        width: bar,
        height: countY(0) - countY(point.canceled),
        class: "canceled",
      }),
      s("text", { x: x + slot / 2, y: HEIGHT - 8, class: "tick", "text-anchor": "middle" },
        month(point.from)),
    );
    if (point.health !== null) line.push(`${x + slot / 2},${healthY(point.health)}`);
  });
  if (line.length) {
    svg.append(
      s("polyline", { points: line.join(" "), class: "health" }),
      s("text", { x: WIDTH - PAD.right + 4, y: healthY(100) + 4, class: "tick" }, "100"),
      s("text", { x: WIDTH - PAD.right + 4, y: healthY(0), class: "tick" }, "0"),
    );
  }
  for (const [x, y] of line.map((pair) => pair.split(","))) {
    svg.append(s("circle", { cx: x, cy: y, r: 3.5, class: "health-dot" }));
  }
  const legend = h("ul", { class: "legend", "aria-hidden": "true" },
    h("li", { class: "key-held" }, "Held"),
    h("li", { class: "key-canceled" }, "Canceled"),
    line.length ? h("li", { class: "key-health" }, "Health (0–100)") : null,
  );
  // A table, not a box, ignores a width smaller than its content: the wrapper hides it.
  const table = h("div", { class: "visually-hidden" }, h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Month"), h("th", { scope: "col" }, "Held"),
      h("th", { scope: "col" }, "Canceled"), h("th", { scope: "col" }, "Health"))),
    h("tbody", {}, points.map((point) => h("tr", {},
      h("th", { scope: "row" }, month(point.from)), h("td", {}, String(point.held)),
      h("td", {}, String(point.canceled)), h("td", {}, point.health ?? "—")))),
  ));
  return h("figure", { class: "chart-figure" }, svg, legend, table,
    h("figcaption", {}, caption));
}
