/** Token shapes: the pair login and refresh return, and their request bodies. */
import { envelope } from "./common.ts";
import { z } from "./zod.ts";

const refreshToken = z.string().min(1).max(512);

export const TokenPair = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer").default("bearer"),
    expires_in: z.int(),
  })
  .openapi("TokenPair", { description: "A short-lived access token and a refresh token." });

export const RefreshRequest = z
  .strictObject({ refresh_token: refreshToken })
  .openapi("RefreshRequest", { description: "The refresh token to trade." });

export const LogoutRequest = z
  .strictObject({ refresh_token: refreshToken.optional() })
  .openapi("LogoutRequest", { description: "The refresh token to revoke (all when left out)." });

export const TokenPairEnvelope = envelope(TokenPair, "TokenPairEnvelope");

export type TokenPair = z.infer<typeof TokenPair>;
