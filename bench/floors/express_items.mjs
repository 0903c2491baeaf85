// The Express items floor for GET /api/v1/items: bare Express 5, the same JWT check
// (jose, HS256, SECRET_KEY, the same required claims) and the two statements the
// service's listItems sends through Kysely (the page and the count, in parallel), sent
// with `pg` directly on a pool as large as the service's. No middleware, query builder,
// validation or response schema. Started like express_hello.mjs (the render's
// node_modules, Node 24, HOST:PORT); DATABASE_URL and SECRET_KEY from the environment.
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const express = require("express");
const { jwtVerify } = require("jose");
const pg = require("pg");

const key = new TextEncoder().encode(process.env.SECRET_KEY);
const poolSize =
  Number(process.env.DATABASE_POOL_SIZE ?? "10") + Number(process.env.DATABASE_MAX_OVERFLOW ?? "10");
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL.replace(/^postgres(ql)?(\+\w+)?:/, "postgresql:"),
  max: poolSize,
});
// What Kysely sends for a plain user's page and total.
const PAGE_QUERY = 'select * from "items" where "owner_id" = $1 order by "id" desc limit $2 offset $3';
const COUNT_QUERY = 'select count(*) as "total" from "items" where "owner_id" = $1';

const app = express();
app.get("/api/v1/items", async (req, res) => {
  let userId;
  try {
    const token = (req.get("authorization") ?? "").replace(/^Bearer /, "");
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      requiredClaims: ["exp", "iat", "sub", "jti"],
    });
    userId = Number(payload.sub);
  } catch {
    res.status(401).json({ success: false, message: "Invalid or expired token" });
    return;
  }
  const page = Number(req.query.page ?? "1");
  const pageSize = Number(req.query.page_size ?? "20");
  const [items, counted] = await Promise.all([
    pool.query(PAGE_QUERY, [userId, pageSize, (page - 1) * pageSize]),
    pool.query(COUNT_QUERY, [userId]),
  ]);
  const total = Number(counted.rows[0].total);
  res.json({
    success: true,
    data: { items: items.rows, page, page_size: pageSize, total },
    message: "OK",
  });
});
app.listen(Number(process.env.PORT), process.env.HOST);
