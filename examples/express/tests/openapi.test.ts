import { readFileSync } from "node:fs";

import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { buildOpenApiDocument } from "../src/openapi.ts";
import { stableJson } from "../src/utils/json.ts";
import { createTestApp } from "./helpers.ts";

/** What these tests read of an OpenAPI document. */
interface Operation {
  operationId: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  openapi: string;
  info: { version: string; license?: { name: string; identifier?: string } };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

// operationId: [method, path]. Generated clients name their functions after these, and
// every framework copier-backend renders uses the same ones.
const OPERATIONS: Record<string, [string, string]> = {
  live: ["get", "/health/live"],
  ready: ["get", "/health/ready"],
  register: ["post", "/api/v1/auth/register"],
  login: ["post", "/api/v1/auth/login"],
  refresh: ["post", "/api/v1/auth/refresh"],
  logout: ["post", "/api/v1/auth/logout"],
  getMe: ["get", "/api/v1/auth/me"],
  listUsers: ["get", "/api/v1/users"],
  createUser: ["post", "/api/v1/users"],
  getUser: ["get", "/api/v1/users/{user_id}"],
  updateUser: ["patch", "/api/v1/users/{user_id}"],
  deleteUser: ["delete", "/api/v1/users/{user_id}"],
  listItems: ["get", "/api/v1/items"],
  createItem: ["post", "/api/v1/items"],
  getItem: ["get", "/api/v1/items/{item_id}"],
  replaceItem: ["put", "/api/v1/items/{item_id}"],
  updateItem: ["patch", "/api/v1/items/{item_id}"],
  deleteItem: ["delete", "/api/v1/items/{item_id}"],
};
const PUBLIC = new Set(["live", "ready", "register", "login", "refresh"]);
const SIGNED_IN = [{ bearerAuth: [] }];
// Component schemas: named on purpose, never after a generic type.
const SCHEMAS = [
  "Credentials",
  "EmptyEnvelope",
  "ErrorBody",
  "ErrorCode",
  "ErrorEnvelope",
  "ItemCreate",
  "ItemEnvelope",
  "ItemPage",
  "ItemPageEnvelope",
  "ItemRead",
  "ItemReplace",
  "ItemUpdate",
  "Liveness",
  "LivenessEnvelope",
  "LoginRequest",
  "LogoutRequest",
  "Readiness",
  "ReadinessEnvelope",
  "RefreshRequest",
  "Role",
  "TokenPair",
  "TokenPairEnvelope",
  "UserCreate",
  "UserEnvelope",
  "UserPage",
  "UserPageEnvelope",
  "UserRead",
  "UserUpdate",
];

const document = JSON.parse(stableJson(buildOpenApiDocument())) as Document;
const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
const { app, close } = createTestApp();
afterAll(close);

describe("openapi", () => {
  it("keeps the committed openapi.json in sync (run `make openapi`)", () => {
    expect(readFileSync("openapi.json", "utf8")).toBe(stableJson(buildOpenApiDocument()));
  });

  it("documents the error envelope on every operation", () => {
    expect(document.openapi).toMatch(/^3\./);
    for (const operation of operations) {
      expect(operation.summary, operation.operationId).toBeTruthy();
      const errors = Object.keys(operation.responses).filter((code) => /^[45]/.test(code));
      expect(errors, operation.operationId).not.toHaveLength(0);
      for (const code of errors) {
        const schema = operation.responses[code]?.content?.["application/json"]?.schema;
        expect(schema?.$ref, `${operation.operationId} ${code}`).toMatch(/\/ErrorEnvelope$/);
      }
    }
  });

  it("uses the standard operationIds and schema names", () => {
    // Routes and schemas of your own may come on top of the standard ones.
    for (const [operationId, [method, path]] of Object.entries(OPERATIONS)) {
      expect(document.paths[path]?.[method]?.operationId, operationId).toBe(operationId);
    }
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z]+(?:[A-Z][a-z0-9]*)*$/);
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(SCHEMAS));
  });

  it("declares no security on public operations", () => {
    for (const operation of operations) {
      if (operation.operationId in OPERATIONS) {
        const expected = PUBLIC.has(operation.operationId) ? [] : SIGNED_IN;
        expect(operation.security, operation.operationId).toEqual(expected);
      }
      expect(Array.isArray(operation.security), operation.operationId).toBe(true);
    }
  });

  it("names its servers, version and license", () => {
    const project = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(document.servers).toEqual([{ url: "/" }]);
    expect(document.info.version).toBe(project.version);
    expect(document.info.license).toEqual({ name: "MIT", identifier: "MIT" });
  });

  it("serves that document and the docs page", async () => {
    const served = await supertest(app).get("/api/v1/openapi.json").expect(200);
    expect(served.body).toEqual(document);
    const docs = await supertest(app).get("/docs").expect(200);
    expect(docs.text).toContain("swagger-ui");
    await supertest(app).get("/docs/assets/swagger-ui-bundle.js").expect(200);
  });
});
