// The reference front end's shell: the routes (#/ my pairs, #/pairs/<id>, #/meetings/<id>,
// #/sign-in), the signed-in person in the header, and what every screen shares: an
// expired or refused token leads back to signing in with a message; any other problem of
// the API shows its detail.

import { endSession, session, SignInAgain } from "./api.js";
import { h, notice, show } from "./dom.js";
import { meetingScreen } from "./meeting.js";
import { pairScreen } from "./pair.js";
import { pairsScreen } from "./pairs.js";
import { signInScreen } from "./signin.js";

const main = document.getElementById("main");
const who = document.getElementById("who");
const signOut = document.getElementById("sign-out");
let leaveScreen = null;
let signInMessage = null;

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function failed(problem) {
  if (problem instanceof SignInAgain) {
    endSession();
    signInMessage = problem.code === "token_expired"
      ? "Your session has expired; sign in again."
      : `Sign in again: ${problem.message}`;
    go("#/sign-in");
    return;
  }
  show(main, h("h1", {}, "Something went wrong"), notice(problem.message, "error"),
    h("p", {}, h("a", { href: "#/" }, "Back to my pairs")));
}

async function route() {
  leaveScreen?.();
  leaveScreen = null;
  const current = session();
  const [, screen, id] = location.hash.split("/");
  who.textContent = current?.person ? `Signed in as ${current.person.name}` : "";
  signOut.hidden = !current;
  try {
    if (!current || screen === "sign-in") {
      const message = signInMessage;
      signInMessage = null;
      await signInScreen(main, { message, go });
    } else if (screen === "pairs" && id) {
      await pairScreen(main, id);
    } else if (screen === "meetings" && id) {
      leaveScreen = await meetingScreen(main, id, { failed });
    } else {
      await pairsScreen(main);
    }
  } catch (problem) {
    failed(problem);
  }
}

// The skip link moves focus without touching the route in the address's hash.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
signOut.addEventListener("click", () => {
  endSession();
  go("#/sign-in");
});
window.addEventListener("hashchange", route);
route();
