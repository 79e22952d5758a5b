"use strict";
// The GraphQL peer of `make bench-graphql` (benchmarks/graphql_peer.py): PostGraphile v4 in
// library mode on Node's cluster module, WORKERS processes sharing PORT. It connects with
// DATABASE_URL (as `rapport_app`, row-level security on) and, like Rapport, enters the
// organization in each request's transaction: pgSettings makes PostGraphile run
// `select set_config('rapport.org_id', ORG_ID, true)` after BEGIN. It has no credentials
// (one organization), like the REST floor.
const cluster = require("cluster");
const http = require("http");
const { postgraphile } = require("postgraphile");

const workers = Number(process.env.WORKERS || "2");

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  cluster.on("exit", (worker, code) => {
    console.error(`PostGraphile worker ${worker.process.pid} exited (${code})`);
    process.exit(1);
  });
  process.on("SIGTERM", () => {
    cluster.removeAllListeners("exit");
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  });
} else {
  const graphql = postgraphile(process.env.DATABASE_URL, "public", {
    pgSettings: { "rapport.org_id": process.env.ORG_ID },
    disableQueryLog: true,
    retryOnInitFail: false,
    watchPg: false,
    graphiql: false,
    setofFunctionsContainNulls: false,
  });
  http
    .createServer((request, response) => {
      if (request.url === "/healthz") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"status":"ok"}');
        return;
      }
      graphql(request, response);
    })
    .listen(Number(process.env.PORT), "127.0.0.1");
}
