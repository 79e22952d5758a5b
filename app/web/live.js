// A minimal client of the graphql-transport-ws protocol (one subscription per socket):
// connection_init with the token, subscribe, next/error/complete, ping/pong, and
// reconnecting with backoff. After a reconnect `onResync` runs, since changes made while
// the socket was down were not delivered: the screen reads its data again.

const PROTOCOL = "graphql-transport-ws";
const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 30_000;
const CREDENTIAL_REFUSED = 4403;
// Closes after which trying again cannot help: a bad message, a taken id, an unsupported
// protocol, or a refused credential (the token's holder must sign in again).
const FINAL = new Set([4400, 4409, 4406, 1002, CREDENTIAL_REFUSED]);

/**
 * Subscribe to one operation; returns `{ close }`.
 * handlers: onNext(data), onResync(), onStatus("connecting" | "live" | "reconnecting" |
 * "unavailable"), onRefused() when the credential is refused.
 */
export function liveSubscription({ url, token, query, variables, handlers }) {
  let socket = null;
  let attempts = 0;
  let connectedBefore = false;
  let closed = false;
  let retry = null;

  const send = (message) => socket.send(JSON.stringify(message));

  function open() {
    handlers.onStatus(connectedBefore ? "reconnecting" : "connecting");
    socket = new WebSocket(url, PROTOCOL);
    socket.addEventListener("open", () => {
      send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => ended(event.code));
  }

  function receive(message) {
    switch (message.type) {
      case "connection_ack":
        attempts = 0;
        send({ id: "1", type: "subscribe", payload: { query, variables } });
        handlers.onStatus("live");
        if (connectedBefore) handlers.onResync();
        connectedBefore = true;
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "next":
        handlers.onNext(message.payload.data);
        break;
      case "error":
        // The server refused the subscription itself: asking again would be refused again.
        finish("unavailable");
        break;
      case "complete":
        finish("unavailable");
        break;
      default:
        break; // pong and anything newer: nothing to do
    }
  }

  function ended(code) {
    if (closed) return;
    if (code === CREDENTIAL_REFUSED) {
      finish("unavailable");
      handlers.onRefused();
      return;
    }
    if (FINAL.has(code)) {
      finish("unavailable");
      return;
    }
    // Exponential backoff with jitter, so many clients of a restarted server spread out.
    const delay = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** attempts);
    attempts += 1;
    handlers.onStatus("reconnecting");
    retry = setTimeout(open, delay / 2 + Math.random() * (delay / 2));
  }

  function finish(status) {
    closed = true;
    clearTimeout(retry);
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    handlers.onStatus(status);
  }

  open();
  return {
    close() {
      if (!closed) {
        closed = true;
        clearTimeout(retry);
        if (socket && socket.readyState === WebSocket.OPEN) send({ id: "1", type: "complete" });
        socket?.close(1000);
      }
    },
  };
}
