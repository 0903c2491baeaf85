/** Per-client rate limits: strict on login and register, generous elsewhere. */
import type { RequestHandler } from "express";
import type { Logger } from "pino";

import { RateLimitedError } from "../errors.ts";

const UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400 };
// Once the store fails, requests skip it (served unlimited) this long before one retries.
const STORE_RETRY_MS = 5000;

export interface Limit {
  readonly hits: number;
  readonly windowSeconds: number;
}

/** "10/minute" as a limit. */
export function parseLimit(text: string): Limit {
  const [hits = "", unit = ""] = text.split("/").map((part) => part.trim().toLowerCase());
  return { hits: Number(hits), windowSeconds: UNITS[unit] ?? 60 };
}

/** Fixed-window counters: how many hits `key` has in the window that holds now. */
export interface CounterStore {
  increment(key: string, windowSeconds: number): Promise<number>;
  close(): Promise<void>;
}

/** Counters in this process's memory (per worker process). */
export class MemoryStore implements CounterStore {
  readonly #counts = new Map<string, { count: number; expiresAt: number }>();

  increment(key: string, windowSeconds: number): Promise<number> {
    const now = Date.now();
    const entry = this.#counts.get(key);
    if (entry === undefined || entry.expiresAt <= now) {
      if (this.#counts.size > 100_000) this.#sweep(now);
      this.#counts.set(key, { count: 1, expiresAt: now + windowSeconds * 1000 });
      return Promise.resolve(1);
    }
    entry.count += 1;
    return Promise.resolve(entry.count);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#counts) if (entry.expiresAt <= now) this.#counts.delete(key);
  }
}

/** Where the counters live: this process's memory. */
export function createCounterStore(): CounterStore {
  return new MemoryStore();
}

/** 429 with `Retry-After` once a client (by address) exceeds its limit. */
export function rateLimit({
  store,
  defaultLimit,
  authLimit,
  authPaths,
  exemptPrefixes,
  logger,
}: {
  store: CounterStore;
  defaultLimit: Limit;
  authLimit: Limit;
  authPaths: ReadonlySet<string>;
  exemptPrefixes: readonly string[];
  logger: Logger;
}): RequestHandler {
  let retryStoreAt = 0;
  return async (req, res, next) => {
    if (exemptPrefixes.some((prefix) => req.path.startsWith(prefix)) || Date.now() < retryStoreAt) {
      next();
      return;
    }
    const [scope, limit] = authPaths.has(req.path) ? ["auth", authLimit] : ["api", defaultLimit];
    const window = Math.floor(Date.now() / 1000 / limit.windowSeconds);
    const key = `rate:${scope}:${req.ip ?? "unknown"}:${String(window)}`;
    let count: number;
    try {
      count = await store.increment(key, limit.windowSeconds);
    } catch (error) {
      // A store outage must not take the API down: serve unlimited for a while.
      if (retryStoreAt === 0) logger.error({ err: error }, "rate_limit_store_unavailable");
      retryStoreAt = Date.now() + STORE_RETRY_MS;
      next();
      return;
    }
    retryStoreAt = 0;
    if (count <= limit.hits) {
      next();
      return;
    }
    const resetAt = (window + 1) * limit.windowSeconds;
    const retryAfter = Math.max(1, Math.ceil(resetAt - Date.now() / 1000));
    res.set("Retry-After", String(retryAfter));
    throw new RateLimitedError("Too many requests; retry later", {
      headers: { "Retry-After": String(retryAfter) },
    });
  };
}
