// Building elements without innerHTML: text from the API is always text, never markup.

/** h("a", {href: "#/"}, "text", child…); attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const MONTH = new Intl.DateTimeFormat(undefined, { month: "short", timeZone: "UTC" });

export const day = (iso) => (iso ? DATE.format(new Date(iso)) : "—");
export const moment = (iso) => (iso ? DATE_TIME.format(new Date(iso)) : "—");
export const month = (date) => MONTH.format(date);

/** Replace the main region's content and move focus to its heading (for screen readers). */
export function show(main, ...content) {
  main.replaceChildren(...content);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

/** A message region: polite status, or an alert for a problem. */
export function notice(text, kind = "status") {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
