import { afterAll, describe, expect, it } from "vitest";

import { createAdmin, createTestApp, newClient, newEmail, PASSWORD } from "./helpers.ts";

const { app, db, close } = createTestApp();
afterAll(close);
const { email: adminEmail } = await createAdmin(db);
const admin = await newClient(app, adminEmail);

describe("users", () => {
  it("is forbidden to plain users", async () => {
    const user = await newClient(app);
    await user.get("/api/v1/users").expect(403);
  });

  it("lets the admin create, read, change and delete a user", async () => {
    const created = await admin
      .post("/api/v1/users", { email: newEmail(), password: PASSWORD })
      .expect(201);
    const user = (created.body as { data: { id: number; role: string } }).data;
    expect(user.role).toBe("user");
    const url = `/api/v1/users/${String(user.id)}`;
    await admin.get(url).expect(200);
    const promoted = await admin.patch(url, { role: "admin" }).expect(200);
    expect(promoted.body).toMatchObject({ data: { role: "admin" } });
    await admin.delete(url).expect(204);
    await admin.get(url).expect(404);
  });

  it("lists users paginated, without password hashes", async () => {
    const response = await admin.get("/api/v1/users?page_size=5").expect(200);
    expect(JSON.stringify(response.body)).not.toContain("password");
  });

  it("refuses a duplicate email in any case", async () => {
    await admin
      .post("/api/v1/users", { email: adminEmail.toUpperCase(), password: PASSWORD })
      .expect(409);
  });

  it("keeps the last active admin", async () => {
    const list = await admin.get("/api/v1/users?page_size=100");
    const admins = (
      list.body as { data: { items: { id: number; role: string; is_active: boolean }[] } }
    ).data.items.filter((user) => user.role === "admin" && user.is_active);
    if (admins.length === 1 && admins[0] !== undefined) {
      await admin.patch(`/api/v1/users/${String(admins[0].id)}`, { role: "user" }).expect(409);
    }
    expect(admins.length).toBeGreaterThan(0);
  });

  it("refuses a deactivated user on the next request", async () => {
    const user = await newClient(app);
    await admin.patch(`/api/v1/users/${String(user.userId)}`, { is_active: false }).expect(200);
    await user.get("/api/v1/auth/me").expect(401);
  });
});
