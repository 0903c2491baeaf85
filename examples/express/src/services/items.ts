/** Items: list, read, create, change and delete, each within its owner's reach. */
import type { Db } from "../db/database.ts";
import { NotFoundError } from "../errors.ts";
import type { Item } from "../models/database.ts";
import type { ItemCreate, ItemUpdate } from "../schemas/items.ts";
import type { Principal } from "./principal.ts";

const ITEM_NOT_FOUND = "Item not found";

/** Business logic for items; knows nothing of HTTP. */
export class ItemService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** One page of the items the principal may see, newest first, and their count. */
  async listItems({
    principal,
    page,
    pageSize,
  }: {
    principal: Principal;
    page: number;
    pageSize: number;
  }): Promise<{ items: Item[]; total: number }> {
    let query = this.#db.selectFrom("items");
    if (principal.role !== "admin") query = query.where("owner_id", "=", principal.id);
    const [items, counted] = await Promise.all([
      query
        .selectAll()
        .orderBy("id", "desc")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      query
        .select((eb) => eb.fn.countAll<number | string | bigint>().as("total"))
        .executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(counted.total) };
  }

  /** The item, if the principal may reach it. */
  async getItem({ principal, itemId }: { principal: Principal; itemId: number }): Promise<Item> {
    let query = this.#db.selectFrom("items").selectAll().where("id", "=", itemId);
    if (principal.role !== "admin") query = query.where("owner_id", "=", principal.id);
    const item = await query.executeTakeFirst();
    if (item === undefined) throw new NotFoundError(ITEM_NOT_FOUND);
    return item;
  }

  /** Store a new item owned by the principal. */
  async createItem({ principal, data }: { principal: Principal; data: ItemCreate }): Promise<Item> {
    const now = new Date();
    const values = {
      name: data.name,
      description: data.description ?? null,
      owner_id: principal.id,
      created_at: now,
      updated_at: now,
    };
    return this.#db.insertInto("items").values(values).returningAll().executeTakeFirstOrThrow();
  }

  /** Change the fields given (all of them for a replacement); the item must be reachable. */
  async updateItem({
    principal,
    itemId,
    changes,
  }: {
    principal: Principal;
    itemId: number;
    changes: ItemUpdate;
  }): Promise<Item> {
    const item = await this.getItem({ principal, itemId });
    const updated: Item = {
      ...item,
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      updated_at: new Date(),
    };
    await this.#db
      .updateTable("items")
      .set({ name: updated.name, description: updated.description, updated_at: updated.updated_at })
      .where("id", "=", itemId)
      .execute();
    return updated;
  }

  /** Delete the item; it must be reachable. */
  async deleteItem({ principal, itemId }: { principal: Principal; itemId: number }): Promise<void> {
    await this.getItem({ principal, itemId });
    await this.#db.deleteFrom("items").where("id", "=", itemId).execute();
  }
}
