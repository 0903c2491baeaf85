/** Authentication endpoints: register, sign in and out, who am I. */
import { type RequestHandler, Router } from "express";

import { LogoutRequest, RefreshRequest } from "../schemas/tokens.ts";
import { Credentials, LoginRequest } from "../schemas/users.ts";
import type { TokenService } from "../services/tokens.ts";
import type { UserService } from "../services/users.ts";
import { sendData } from "../utils/responses.ts";
import { type Authenticator } from "./authenticate.ts";
import { toUserRead } from "./users.ts";

/** The `/auth` routes. */
export function createAuthRouter({
  userService,
  tokenService,
  authenticator,
  json,
}: {
  userService: UserService;
  tokenService: TokenService;
  authenticator: Authenticator;
  json: RequestHandler;
}): Router {
  const router = Router();

  router.post("/register", json, async (req, res) => {
    const { email, password } = Credentials.parse(req.body);
    const user = await userService.createUser({ email, password });
    res.location(`${req.baseUrl.replace(/\/auth$/, "")}/users/${String(user.id)}`);
    sendData(res, toUserRead(user), "Account created", 201);
  });

  router.post("/login", json, async (req, res) => {
    const { email, password } = LoginRequest.parse(req.body);
    const user = await userService.authenticate({ email, password });
    sendData(res, await tokenService.issueTokens({ userId: user.id }), "Signed in");
  });

  router.post("/refresh", json, async (req, res) => {
    const { refresh_token: rawToken } = RefreshRequest.parse(req.body);
    sendData(res, await tokenService.rotateRefreshToken({ rawToken }), "Tokens refreshed");
  });

  router.post("/logout", json, async (req, res) => {
    const principal = await authenticator.requireUser(req);
    const body = LogoutRequest.nullable().optional().parse(req.body);
    await tokenService.revokeRefreshTokens({
      userId: principal.id,
      ...(body?.refresh_token === undefined ? {} : { rawToken: body.refresh_token }),
    });
    sendData(res, null, "Signed out");
  });

  router.get("/me", async (req, res) => {
    const principal = await authenticator.requireUser(req);
    sendData(res, toUserRead(await userService.getActiveUser({ userId: principal.id })));
  });

  return router;
}
