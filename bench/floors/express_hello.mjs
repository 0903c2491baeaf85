// The Express health floor: a bare Express 5 hello-world, no middleware.
// bench/run.py starts it with the render's Node 24, in the rendered project's folder so
// `express` comes from its node_modules, on HOST:PORT, listening as src/server.ts does.
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const express = require("express");

const app = express();
app.get("/health/live", (_req, res) => {
  res.json({ status: "ok" });
});
app.listen(Number(process.env.PORT), process.env.HOST);
