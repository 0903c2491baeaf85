/** User management, for admins only. */
import { type RequestHandler, Router } from "express";
import { z } from "zod";

import type { User } from "../models/database.ts";
import { PageQuery, pathId } from "../schemas/common.ts";
import { UserCreate, UserUpdate } from "../schemas/users.ts";
import type { UserService } from "../services/users.ts";
import { sendData } from "../utils/responses.ts";
import type { Authenticator } from "./authenticate.ts";

const UserParams = z.object({ user_id: pathId });

/** A user as clients see it: never the password hash. */
export function toUserRead(user: User) {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    is_active: user.is_active,
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
  };
}

/** The `/users` routes. */
export function createUsersRouter({
  userService,
  authenticator,
  json,
}: {
  userService: UserService;
  authenticator: Authenticator;
  json: RequestHandler;
}): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    await authenticator.requireAdmin(req);
    const { page, page_size: pageSize } = PageQuery.parse(req.query);
    const { items, total } = await userService.listUsers({ page, pageSize });
    sendData(res, { items: items.map(toUserRead), page, page_size: pageSize, total });
  });

  router.post("/", json, async (req, res) => {
    await authenticator.requireAdmin(req);
    const user = await userService.createUser(UserCreate.parse(req.body));
    res.location(`${req.baseUrl}/${String(user.id)}`);
    sendData(res, toUserRead(user), "User created", 201);
  });

  router.get("/:user_id", async (req, res) => {
    await authenticator.requireAdmin(req);
    const { user_id: userId } = UserParams.parse(req.params);
    sendData(res, toUserRead(await userService.getUser({ userId })));
  });

  router.patch("/:user_id", json, async (req, res) => {
    await authenticator.requireAdmin(req);
    const { user_id: userId } = UserParams.parse(req.params);
    const changes = UserUpdate.parse(req.body);
    sendData(res, toUserRead(await userService.updateUser({ userId, changes })), "User updated");
  });

  router.delete("/:user_id", async (req, res) => {
    await authenticator.requireAdmin(req);
    const { user_id: userId } = UserParams.parse(req.params);
    await userService.deleteUser({ userId });
    res.status(204).end();
  });

  return router;
}
