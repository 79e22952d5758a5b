// The API as the screens use it: GraphQL over fetch with the person token, problems as
// exceptions carrying the API's `detail`, and the token kept in sessionStorage only.

const TOKEN = "rapport.token";
const PERSON = "rapport.person";

/** The signed-in person's token and {id, name}, or null. */
export function session() {
  const token = sessionStorage.getItem(TOKEN);
  const person = sessionStorage.getItem(PERSON);
  return token ? { token, person: person ? JSON.parse(person) : null } : null;
}

export function keepSession(token, person) {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(PERSON, JSON.stringify(person));
}

export function endSession() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(PERSON);
}

/** A refusal of the API: `code` is the problem's stable code, `message` its detail. */
export class ApiProblem extends Error {
  constructor(code, detail, status) {
    super(detail);
    this.code = code;
    this.status = status;
  }
}

/** The token is no longer good (expired, revoked, or no token at all): sign in again. */
export class SignInAgain extends ApiProblem {}

const SIGN_IN_AGAIN = new Set(["token_expired", "invalid_credential", "unauthorized"]);

// Relative to /app/, so the app works under a proxy's path prefix too.
const GRAPHQL = new URL("../graphql", document.baseURI).href;
export const SOCKET = GRAPHQL.replace(/^http/, "ws");

/** Run one GraphQL operation; its `data`, or an ApiProblem for the first error. */
export async function graphql(query, variables = {}) {
  const current = session();
  if (!current) throw new SignInAgain("unauthorized", "Sign in to continue.", 401);
  let response;
  try {
    response = await fetch(GRAPHQL, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${current.token}`,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiProblem("unreachable", "The server cannot be reached; try again shortly.", 0);
  }
  const body = await response.json().catch(() => null);
  const error = body?.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? "graphql_error";
    const kind = response.status === 401 || SIGN_IN_AGAIN.has(code) ? SignInAgain : ApiProblem;
    throw new kind(code, error.message, response.status);
  }
  if (!response.ok || !body) {
    throw new ApiProblem("http_error", `The server answered ${response.status}.`, response.status);
  }
  return body.data;
}

/** A mutation's result union: the success object, or an ApiProblem for a Problem member. */
export function succeeded(result) {
  if (result && "code" in result && "message" in result) {
    throw new ApiProblem(result.code, result.message, 200);
  }
  return result;
}

/** JSON from one of /app's own routes (the dev sign-in); null when it is not there (404). */
export async function devRoute(path, body) {
  const response = await fetch(new URL(`dev/${path}`, document.baseURI), {
    method: body ? "POST" : "GET",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 404) return null;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiProblem(answer.code ?? "http_error", answer.detail ?? "Refused.", response.status);
  }
  return answer;
}
