// Signing in: under `rapport dev` a list of the demo people to act as (the dev server mints
// the token); elsewhere a pasted person token, checked with `me` before it is kept.

import { devRoute, endSession, graphql, keepSession } from "./api.js";
import { h, notice, show } from "./dom.js";

const WHO_AM_I = "query WhoAmI { me { kind person { id name } } }";

export async function signInScreen(main, { message, go }) {
  endSession();
  const intro = message ? notice(message, "error") : null;
  const people = await devRoute("people");
  if (people === null) {
    show(main, h("h1", {}, "Sign in"), intro, tokenForm(go));
    return;
  }
  const list = h("ul", { class: "people" }, people.data.map((person) =>
    h("li", {}, h("button", {
      type: "button",
      class: "person",
      onclick: (event) => actAs(event.currentTarget, person, go),
    },
    h("span", { class: "name" }, person.name),
    h("span", { class: "meta" }, person.manages
      ? `Manages ${person.manages} · ${person.role}` : person.role)))));
  show(main,
    h("h1", {}, "Sign in as a demo person"),
    intro,
    h("p", {}, "This server runs `rapport dev`: choose whom to act as; it mints a person"
      + " token for them. Managers are listed first."),
    list);
}

async function actAs(button, person, go) {
  button.disabled = true;
  try {
    const issued = await devRoute("sign-in", { person_id: person.id });
    keepSession(issued.token, { id: issued.person.id, name: issued.person.name });
    go("#/");
  } catch (problem) {
    button.disabled = false;
    button.after(notice(problem.message, "error"));
  }
}

function tokenForm(go) {
  const input = h("input", {
    id: "token", name: "token", type: "password", autocomplete: "off", required: true,
    spellcheck: "false",
  });
  const problems = h("div", { "aria-live": "polite" });
  const form = h("form", {
    class: "stack",
    onsubmit: async (event) => {
      event.preventDefault();
      problems.replaceChildren();
      keepSession(input.value.trim(), null);
      try {
        const { me } = await graphql(WHO_AM_I);
        if (!me.person) throw new Error("This is a service key; paste a person token.");
        keepSession(input.value.trim(), me.person);
        go("#/");
      } catch (problem) {
        endSession();
        problems.replaceChildren(notice(problem.message, "error"));
      }
    },
  },
  h("label", { for: "token" }, "Person token"),
  h("p", { class: "hint", id: "token-hint" },
    "A token from POST /v1/person-tokens; it is kept in this tab only."),
  input,
  h("button", { type: "submit" }, "Sign in"),
  problems);
  input.setAttribute("aria-describedby", "token-hint");
  return form;
}
