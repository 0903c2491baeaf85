import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { createTestApp, newClient } from "./helpers.ts";

const { app, close } = createTestApp();
afterAll(close);
const client = await newClient(app);

interface ItemBody {
  data: { id: number; name: string; description: string | null; owner_id: number };
}

async function createItem(name = "widget", description?: string): Promise<ItemBody["data"]> {
  const response = await client.post("/api/v1/items", { name, description }).expect(201);
  return (response.body as ItemBody).data;
}

describe("items", () => {
  it("creates an item with 201 and its Location", async () => {
    const response = await client.post("/api/v1/items", { name: "first" }).expect(201);
    const item = (response.body as ItemBody).data;
    expect(item).toMatchObject({ name: "first", description: null });
    expect(item.owner_id).toBe(client.userId);
    expect(response.headers.location).toBe(`/api/v1/items/${String(item.id)}`);
  });

  it("reads, replaces, patches and deletes an item", async () => {
    const item = await createItem("crud", "described");
    const url = `/api/v1/items/${String(item.id)}`;
    await client.get(url).expect(200);
    const replaced = await client.put(url, { name: "replaced" }).expect(200);
    expect((replaced.body as ItemBody).data).toMatchObject({ name: "replaced", description: null });
    const patched = await client.patch(url, { description: "new" }).expect(200);
    expect((patched.body as ItemBody).data).toMatchObject({ name: "replaced", description: "new" });
    await client.delete(url).expect(204);
    await client.get(url).expect(404);
  });

  it("refuses a null name on PATCH and a missing one on PUT", async () => {
    const item = await createItem();
    await client.patch(`/api/v1/items/${String(item.id)}`, { name: null }).expect(422);
    await client.put(`/api/v1/items/${String(item.id)}`, { description: "x" }).expect(422);
  });

  it("paginates the list and caps page_size at 100", async () => {
    await createItem("paged");
    const response = await client.get("/api/v1/items?page=1&page_size=500").expect(200);
    const body = response.body as { data: { page: number; page_size: number; total: number } };
    expect(body.data.page_size).toBe(100);
    expect(body.data.total).toBeGreaterThan(0);
    await client.get("/api/v1/items?page=0").expect(422);
  });

  it("refuses impossible ids with a validation error naming item_id", async () => {
    for (const id of ["abc", "0", "-1", "1.5", "2147483648"]) {
      const response = await client.get(`/api/v1/items/${id}`).expect(422);
      expect(response.body).toMatchObject({
        error: { details: { item_id: expect.any(String) as string } },
      });
    }
    await client.get("/api/v1/items/2147483647").expect(404);
  });

  it("hides another user's items and needs credentials", async () => {
    const item = await createItem("private");
    const other = await newClient(app);
    await other.get(`/api/v1/items/${String(item.id)}`).expect(404);
    await supertest(app).get("/api/v1/items").expect(401);
  });
});
