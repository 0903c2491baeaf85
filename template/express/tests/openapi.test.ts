import { readFileSync } from "node:fs";

import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { buildOpenApiDocument } from "../src/openapi.ts";
import { stableJson } from "../src/utils/json.ts";
import { createTestApp } from "./helpers.ts";

const { app, close } = createTestApp();
afterAll(close);

describe("openapi", () => {
  it("keeps the committed openapi.json in sync (run `make openapi`)", () => {
    expect(readFileSync("openapi.json", "utf8")).toBe(stableJson(buildOpenApiDocument()));
  });

  it("serves the document and the docs page", async () => {
    const document = await supertest(app).get("/api/v1/openapi.json").expect(200);
    expect(document.body).toMatchObject({ openapi: "3.1.0" });
    const docs = await supertest(app).get("/docs").expect(200);
    expect(docs.text).toContain("swagger-ui");
    await supertest(app).get("/docs/assets/swagger-ui-bundle.js").expect(200);
  });
});
