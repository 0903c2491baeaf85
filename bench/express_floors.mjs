// Floors for measuring a rendered Express service by hand (not wired into bench/run.py yet):
//   PORT=8132 node bench/express_floors.mjs hello          # bare Express 5 /health/live
//   PORT=8133 DB_PATH=svc.db node bench/express_floors.mjs items   # the item list through node:sqlite
// Run with Node 24 and a node_modules that holds express (e.g. the rendered service's),
// then compare with wrk against the service's /health/live and /api/v1/items.
import http from "node:http";
import { createRequire } from "node:module";
import { DatabaseSync } from "node:sqlite";

const port = Number(process.env.PORT ?? "8132");
const envelope = (data) => ({ success: true, data, message: "OK", timestamp: new Date().toISOString() });

if (process.argv[2] === "hello") {
  const express = createRequire(`${process.cwd()}/`)("express");
  const app = express();
  app.get("/health/live", (_req, res) => {
    res.json(envelope({ status: "ok" }));
  });
  app.listen(port, "127.0.0.1");
} else {
  // The same two queries the service runs for page 1 of 20, with no framework at all.
  const db = new DatabaseSync(process.env.DB_PATH ?? "svc.db");
  const list = db.prepare("select * from items order by id desc limit ? offset ?");
  const count = db.prepare("select count(*) as total from items");
  http
    .createServer((_req, res) => {
      const items = list.all(20, 0);
      const { total } = count.get();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(envelope({ items, page: 1, page_size: 20, total })));
    })
    .listen(port, "127.0.0.1");
}
