/** The app under test, on the run's database, and small request helpers. */
import { randomBytes, randomUUID } from "node:crypto";

import type { Express } from "express";
import { pino } from "pino";
import supertest from "supertest";
import { inject } from "vitest";

import { buildApp } from "../src/app.ts";
import { loadSettings, type Settings } from "../src/config/settings.ts";
import { createDb, type Db } from "../src/db/database.ts";
import { MemoryStore } from "../src/middleware/rateLimit.ts";
import { PasswordHasher } from "../src/services/passwords.ts";
import { UserService } from "../src/services/users.ts";

export const PASSWORD = "correct horse battery staple";

export interface TestApp {
  app: Express;
  db: Db;
  settings: Settings;
  close: () => Promise<void>;
}

/** Settings for tests: the run's database, a random secret, `overrides` on top. */
export function testSettings(overrides: Record<string, string> = {}): Settings {
  return loadSettings({
    ENVIRONMENT: "test",
    SECRET_KEY: randomBytes(32).toString("hex"),
    DATABASE_URL: inject("databaseUrl"),
    RATE_LIMIT_ENABLED: "false",
    ...overrides,
  });
}

/** buildApp() with a silent logger and in-memory rate-limit counters. */
export function createTestApp(overrides: Record<string, string> = {}): TestApp {
  const settings = testSettings(overrides);
  const db = createDb(settings);
  const app = buildApp({
    settings,
    db,
    logger: pino({ level: "silent" }),
    counters: new MemoryStore(),
  });
  return { app, db, settings, close: () => db.destroy() };
}

/** An email address nobody registered yet. */
export function newEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 12)}@example.com`;
}

/** Store an admin directly, as `make admin` does. */
export async function createAdmin(db: Db): Promise<{ email: string; password: string }> {
  const email = newEmail("admin");
  await new UserService(db, new PasswordHasher(2)).createUser({
    email,
    password: PASSWORD,
    role: "admin",
  });
  return { email, password: PASSWORD };
}

/** Register and log in: the headers that authenticate as the new user, and its tokens. */
export async function signUp(
  app: Express,
  email = newEmail(),
): Promise<{ headers: Record<string, string>; refreshToken: string; userId: number }> {
  const registered = await supertest(app)
    .post("/api/v1/auth/register")
    .send({ email, password: PASSWORD });
  const tokens = await logIn(app, email);
  return { ...tokens, userId: (registered.body as { data: { id: number } }).data.id };
}

/** Log in an existing account. */
export async function logIn(
  app: Express,
  email: string,
  password = PASSWORD,
): Promise<{ headers: Record<string, string>; refreshToken: string }> {
  const response = await supertest(app).post("/api/v1/auth/login").send({ email, password });
  const { access_token: access, refresh_token: refreshToken } = (
    response.body as { data: { access_token: string; refresh_token: string } }
  ).data;
  return { headers: { Authorization: `Bearer ${access}` }, refreshToken };
}

/** A signed-in client (anonymous with no auth): verbs that send its credentials. */
export interface Client {
  get(url: string): supertest.Test;
  post(url: string, body?: object): supertest.Test;
  put(url: string, body?: object): supertest.Test;
  patch(url: string, body?: object): supertest.Test;
  delete(url: string): supertest.Test;
  userId: number;
}

/** A new client signed in as a new user (or as `email`, already registered). */
export async function newClient(app: Express, email?: string): Promise<Client> {
  const { headers } = email === undefined ? await signUp(app) : await logIn(app, email);
  const http = supertest(app);
  const me = await http.get("/api/v1/auth/me").set(headers);
  return {
    get: (url) => http.get(url).set(headers),
    post: (url, body) => http.post(url).set(headers).send(body),
    put: (url, body) => http.put(url).set(headers).send(body),
    patch: (url, body) => http.patch(url).set(headers).send(body),
    delete: (url) => http.delete(url).set(headers),
    userId: (me.body as { data: { id: number } }).data.id,
  };
}
