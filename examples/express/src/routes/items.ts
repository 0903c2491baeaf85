/** Items: thin handlers that parse, call the item service and shape the response. */
import { type RequestHandler, Router } from "express";
import { z } from "zod";

import type { Item } from "../models/database.ts";
import { PageQuery, pathId } from "../schemas/common.ts";
import { ItemCreate, type ItemRead, ItemReplace, ItemUpdate } from "../schemas/items.ts";
import type { ItemService } from "../services/items.ts";
import { sendData } from "../utils/responses.ts";
import type { Authenticator } from "./authenticate.ts";

const ItemParams = z.object({ item_id: pathId });

/** An item as clients see it. */
export function toItemRead(item: Item): ItemRead {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    owner_id: item.owner_id,
    created_at: item.created_at.toISOString(),
    updated_at: item.updated_at.toISOString(),
  };
}

/** The `/items` routes: each needs a signed-in user, who reaches only their own items (admins: all). */
export function createItemsRouter({
  itemService,
  authenticator,
  json,
}: {
  itemService: ItemService;
  authenticator: Authenticator;
  json: RequestHandler;
}): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const { page, page_size: pageSize } = PageQuery.parse(req.query);
    const { items, total } = await itemService.listItems({ principal, page, pageSize });
    sendData(res, { items: items.map(toItemRead), page, page_size: pageSize, total });
  });

  router.post("/", json, async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const data = ItemCreate.parse(req.body);
    const item = await itemService.createItem({ principal, data });
    res.location(`${req.baseUrl}/${String(item.id)}`);
    sendData(res, toItemRead(item), "Item created", 201);
  });

  router.get("/:item_id", async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const { item_id: itemId } = ItemParams.parse(req.params);
    sendData(res, toItemRead(await itemService.getItem({ principal, itemId })));
  });

  router.put("/:item_id", json, async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const { item_id: itemId } = ItemParams.parse(req.params);
    const data = ItemReplace.parse(req.body);
    const changes = { name: data.name, description: data.description ?? null };
    const item = await itemService.updateItem({ principal, itemId, changes });
    sendData(res, toItemRead(item), "Item replaced");
  });

  router.patch("/:item_id", json, async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const { item_id: itemId } = ItemParams.parse(req.params);
    const changes = ItemUpdate.parse(req.body);
    const item = await itemService.updateItem({ principal, itemId, changes });
    sendData(res, toItemRead(item), "Item updated");
  });

  router.delete("/:item_id", async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const { item_id: itemId } = ItemParams.parse(req.params);
    await itemService.deleteItem({ principal, itemId });
    res.status(204).end();
  });

  return router;
}
