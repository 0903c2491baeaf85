import supertest from "supertest";
import { afterAll, describe, expect, it, vi } from "vitest";

import { createTestApp, logIn, newEmail, PASSWORD, signUp } from "./helpers.ts";

const { app, close } = createTestApp();
afterAll(close);
const http = supertest(app);

describe("register and login", () => {
  it("registers an active user without showing the password", async () => {
    const response = await http
      .post("/api/v1/auth/register")
      .send({ email: newEmail(), password: PASSWORD });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ data: { role: "user", is_active: true } });
    expect(JSON.stringify(response.body)).not.toContain(PASSWORD);
  });

  it("refuses a duplicate email in any case, a short password and a bad email", async () => {
    const email = newEmail();
    const register = (body: object) => http.post("/api/v1/auth/register").send(body);
    await register({ email, password: PASSWORD }).expect(201);
    await register({ email: email.toUpperCase(), password: PASSWORD }).expect(409);
    await register({ email: newEmail(), password: "short" }).expect(422);
    await register({ email: "not-an-email", password: PASSWORD }).expect(422);
  });

  it("gives the same 401 for a wrong password and an unknown account", async () => {
    const email = newEmail();
    await signUp(app, email);
    const wrong = await http.post("/api/v1/auth/login").send({ email, password: "wrong password" });
    const unknown = await http
      .post("/api/v1/auth/login")
      .send({ email: newEmail(), password: PASSWORD });
    expect(wrong.headers["www-authenticate"]).toBe("Bearer");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: (unknown.body as { error: object }).error });
  });
});

describe("tokens", () => {
  it("answers /me for the bearer token and 401 without one", async () => {
    const email = newEmail();
    const { headers } = await signUp(app, email);
    const me = await http.get("/api/v1/auth/me").set(headers).expect(200);
    expect(me.body).toMatchObject({ data: { email } });
    await http.get("/api/v1/auth/me").expect(401);
    await http.get("/api/v1/auth/me").set("Authorization", "Bearer not-a-token").expect(401);
  });

  it("refuses an access token once it expired, though it was accepted before", async () => {
    const { headers } = await signUp(app);
    await http.get("/api/v1/auth/me").set(headers).expect(200);
    vi.useFakeTimers({ now: Date.now() + 24 * 3600 * 1000, toFake: ["Date"] }); // a day later
    try {
      await http.get("/api/v1/auth/me").set(headers).expect(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rotates the pair on refresh; a replay revokes the family", async () => {
    const { refreshToken } = await signUp(app);
    const rotated = await http
      .post("/api/v1/auth/refresh")
      .send({ refresh_token: refreshToken })
      .expect(200);
    const next = (rotated.body as { data: { refresh_token: string } }).data.refresh_token;
    await http.post("/api/v1/auth/refresh").send({ refresh_token: refreshToken }).expect(401);
    await http.post("/api/v1/auth/refresh").send({ refresh_token: next }).expect(401);
  });

  it("revokes the refresh token at logout", async () => {
    const email = newEmail();
    await signUp(app, email);
    const { headers, refreshToken } = await logIn(app, email);
    await http
      .post("/api/v1/auth/logout")
      .set(headers)
      .send({ refresh_token: refreshToken })
      .expect(200);
    await http.post("/api/v1/auth/refresh").send({ refresh_token: refreshToken }).expect(401);
    await http.post("/api/v1/auth/logout").expect(401);
  });
});
