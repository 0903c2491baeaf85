/** Who is calling: the bearer token's user, read from the database on every request. */
import type { Request } from "express";

import { ForbiddenError } from "../errors.ts";
import type { Principal } from "../services/principal.ts";
import { type TokenService, unauthorized } from "../services/tokens.ts";
import type { UserService } from "../services/users.ts";

/** Resolves the caller of a request, or refuses it. */
export interface Authenticator {
  /** The signed-in, active caller (401 otherwise). */
  requireUser(req: Request): Promise<Principal>;
  /** The signed-in, active admin (401, or 403 for anyone else). */
  requireAdmin(req: Request): Promise<Principal>;
}

/** An authenticator over bearer access tokens. */
export function createAuthenticator({
  tokenService,
  userService,
}: {
  tokenService: TokenService;
  userService: UserService;
}): Authenticator {
  const requireUser = async (req: Request): Promise<Principal> => {
    const [scheme, token, ...rest] = (req.get("Authorization") ?? "").split(" ");
    if (
      scheme?.toLowerCase() !== "bearer" ||
      token === undefined ||
      token === "" ||
      rest.length > 0
    ) {
      throw unauthorized("Not authenticated");
    }
    const userId = await tokenService.decodeAccessToken({ token });
    try {
      const user = await userService.getActiveUser({ userId });
      return { id: user.id, role: user.role };
    } catch {
      throw unauthorized("Account not found or deactivated");
    }
  };
  return {
    requireUser,
    async requireAdmin(req) {
      const principal = await requireUser(req);
      if (principal.role !== "admin") throw new ForbiddenError("Admins only");
      return principal;
    },
  };
}
