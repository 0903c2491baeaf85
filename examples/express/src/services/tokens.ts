/** JWT access tokens and rotating, revocable refresh tokens (stored hashed). */
import { createHash, createSecretKey, type KeyObject, randomBytes, randomUUID } from "node:crypto";

import { jwtVerify, SignJWT } from "jose";

import type { Settings } from "../config/settings.ts";
import type { Db } from "../db/database.ts";
import { UnauthorizedError } from "../errors.ts";
import type { TokenPair } from "../schemas/tokens.ts";

const ALGORITHM = "HS256";
const INVALID_TOKEN = "Invalid or expired token";
const INVALID_REFRESH_TOKEN = "Invalid or expired refresh token";
// Verified access tokens remembered per process (about 2 MB at most).
const VERIFIED_TOKENS = 10_000;

function hashToken(rawToken: string): string {
  return createHash("sha256").update(rawToken).digest("hex");
}

/** A 401 for a token that does not hold. */
export function unauthorized(message = INVALID_TOKEN): UnauthorizedError {
  return new UnauthorizedError(message);
}

/** Issue, check, rotate and revoke tokens; knows nothing of HTTP. */
export class TokenService {
  readonly #db: Db;
  readonly #settings: Settings;
  // A KeyObject, which jose turns into a CryptoKey once; raw bytes are imported per token.
  readonly #key: KeyObject;
  // A client sends the same access token request after request, and a signature check goes
  // through WebCrypto's thread pool (tens of microseconds): each token is checked once.
  readonly #verified = new Map<string, { userId: number; expiresAt: number }>();

  constructor(db: Db, settings: Settings) {
    this.#db = db;
    this.#settings = settings;
    this.#key = createSecretKey(settings.SECRET_KEY, "utf8");
  }

  /** A short-lived signed token naming the user (their role is read per request). */
  async createAccessToken({ userId }: { userId: number }): Promise<string> {
    let token = new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(String(userId))
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${String(this.#settings.ACCESS_TOKEN_TTL_SECONDS)}s`);
    if (this.#settings.JWT_ISSUER !== undefined) token = token.setIssuer(this.#settings.JWT_ISSUER);
    if (this.#settings.JWT_AUDIENCE !== undefined) {
      token = token.setAudience(this.#settings.JWT_AUDIENCE);
    }
    return token.sign(this.#key);
  }

  /** The id of the user an access token was issued to. */
  async decodeAccessToken({ token }: { token: string }): Promise<number> {
    const verified = this.#verified.get(token);
    if (verified !== undefined && verified.expiresAt > Date.now() / 1000) return verified.userId;
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        requiredClaims: ["exp", "iat", "sub", "jti"],
        ...(this.#settings.JWT_ISSUER === undefined ? {} : { issuer: this.#settings.JWT_ISSUER }),
        ...(this.#settings.JWT_AUDIENCE === undefined
          ? {}
          : { audience: this.#settings.JWT_AUDIENCE }),
      });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId < 1) throw unauthorized();
      if (this.#verified.size >= VERIFIED_TOKENS) this.#verified.clear();
      this.#verified.set(token, { userId, expiresAt: payload.exp ?? 0 });
      return userId;
    } catch {
      throw unauthorized();
    }
  }

  /** A new access token and a new refresh token (stored hashed). */
  async issueTokens({
    userId,
    familyId,
  }: {
    userId: number;
    familyId?: string;
  }): Promise<TokenPair> {
    const rawRefresh = randomBytes(32).toString("base64url");
    const now = new Date();
    await this.#db
      .insertInto("refresh_tokens")
      .values({
        user_id: userId,
        token_hash: hashToken(rawRefresh),
        family_id: familyId ?? randomUUID().replaceAll("-", ""),
        expires_at: new Date(now.getTime() + this.#settings.REFRESH_TOKEN_TTL_SECONDS * 1000),
        revoked_at: null,
        created_at: now,
      })
      .execute();
    return {
      access_token: await this.createAccessToken({ userId }),
      refresh_token: rawRefresh,
      token_type: "bearer",
      expires_in: this.#settings.ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  /** Trade a refresh token for a new pair; a replayed token revokes its whole family. */
  async rotateRefreshToken({ rawToken }: { rawToken: string }): Promise<TokenPair> {
    const token = await this.#db
      .selectFrom("refresh_tokens")
      .innerJoin("users", "users.id", "refresh_tokens.user_id")
      .select([
        "refresh_tokens.id",
        "refresh_tokens.user_id",
        "refresh_tokens.family_id",
        "refresh_tokens.expires_at",
        "refresh_tokens.revoked_at",
        "users.is_active",
      ])
      .where("refresh_tokens.token_hash", "=", hashToken(rawToken))
      .executeTakeFirst();
    if (token === undefined) throw unauthorized(INVALID_REFRESH_TOKEN);
    if (token.revoked_at !== null) {
      await this.#revoke({ familyId: token.family_id });
      throw unauthorized(INVALID_REFRESH_TOKEN);
    }
    if (token.expires_at <= new Date() || !token.is_active)
      throw unauthorized(INVALID_REFRESH_TOKEN);
    // Compare-and-set: of two concurrent refreshes with one token, only one wins.
    const claimed = await this.#db
      .updateTable("refresh_tokens")
      .set({ revoked_at: new Date() })
      .where("id", "=", token.id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) throw unauthorized(INVALID_REFRESH_TOKEN);
    return this.issueTokens({ userId: token.user_id, familyId: token.family_id });
  }

  /** Revoke one refresh token of the user, or all of them when none is given. */
  async revokeRefreshTokens({
    userId,
    rawToken,
  }: {
    userId: number;
    rawToken?: string;
  }): Promise<void> {
    let query = this.#db
      .updateTable("refresh_tokens")
      .set({ revoked_at: new Date() })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null);
    if (rawToken !== undefined) query = query.where("token_hash", "=", hashToken(rawToken));
    await query.execute();
  }

  /** Delete the refresh tokens past their expiry (used or not); how many went. */
  async purgeExpired(): Promise<number> {
    const result = await this.#db
      .deleteFrom("refresh_tokens")
      .where("expires_at", "<=", new Date())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async #revoke({ familyId }: { familyId: string }): Promise<void> {
    await this.#db
      .updateTable("refresh_tokens")
      .set({ revoked_at: new Date() })
      .where("family_id", "=", familyId)
      .where("revoked_at", "is", null)
      .execute();
  }
}
