/** Typed settings, read from the environment (and `.env`) and validated at start-up. */
import { existsSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { availableParallelism } from "node:os";
import { z } from "zod";

// The local database is named after the service; DATABASE_URL replaces the whole URL.
const DATABASE_NAME = "my_service";
// Accepted in development and tests only; production (the default) refuses it.
export const DEFAULT_SECRET_KEY = "insecure-development-key-change-me";
const MIN_SECRET_KEY_LENGTH = 32;
// Each Argon2 hash holds its memory while it runs: a few at a time per process.
const MAX_DEFAULT_HASH_CONCURRENCY = 4;
const TRUST_EVERYONE =
  "trusting every address would let any client choose its own address (and escape " +
  "rate limits); list your proxies' addresses or CIDRs, e.g. 10.0.0.0/8";
// The URL schemes people paste; a SQLAlchemy driver suffix
// (sqlite+aiosqlite://) is dropped.
const DATABASE_SCHEMES = ["sqlite"];

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    error: "expected true or false",
  })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);
const list = z.string().transform((value) =>
  value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean),
);
const rateLimit = z
  .string()
  .regex(/^\d+\s*\/\s*(second|minute|hour|day)$/i, "expected N/second|minute|hour|day");

const schema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    SECRET_KEY: z.string().default(DEFAULT_SECRET_KEY),
    DEBUG: flag.default(false),
    DATABASE_URL: z
      .string()
      .default(`sqlite:///./${DATABASE_NAME}.db`)
      .refine((url) => DATABASE_SCHEMES.includes(url.split(":")[0]?.split("+")[0] ?? ""), {
        error: `unsupported database; this service supports: ${DATABASE_SCHEMES.join(", ")}`,
      }),
    DATABASE_POOL_SIZE: integer(1).default(10),
    DATABASE_MAX_OVERFLOW: integer(0).default(10),
    REDIS_URL: z.string().min(1).optional(),
    CORS_ORIGINS: list.default([]),
    HOST: z.string().default("127.0.0.1"),
    PORT: integer(1, 65535).default(8000),
    WORKERS: integer(1).default(1),
    TRUSTED_PROXIES: list.default([]).superRefine(checkTrustedProxies),
    LOG_LEVEL: z
      .string()
      .transform((level) => level.toLowerCase())
      .pipe(z.enum(["debug", "info", "warning", "error", "critical"]))
      .default("info"),
    LOG_FORMAT: z.enum(["json", "console"]).optional(),
    MAX_BODY_BYTES: integer(1).default(1_048_576),
    RATE_LIMIT_ENABLED: flag.default(true),
    RATE_LIMIT_DEFAULT: rateLimit.default("1000/minute"),
    RATE_LIMIT_AUTH: rateLimit.default("10/minute"),
    METRICS_ENABLED: flag.default(false),
    SHUTDOWN_GRACE_SECONDS: integer(0).default(20),
    // Tracing is on with an endpoint; the other OTEL_* variables are read where they apply.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_TRACES_SAMPLER: z
      .enum([
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
      ])
      .optional(),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
    PASSWORD_HASH_CONCURRENCY: integer(1).default(
      Math.min(availableParallelism(), MAX_DEFAULT_HASH_CONCURRENCY),
    ),
    ACCESS_TOKEN_TTL_SECONDS: integer(1).default(900),
    REFRESH_TOKEN_TTL_SECONDS: integer(1).default(14 * 24 * 3600),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
  })
  .superRefine((settings, context) => {
    if (settings.ENVIRONMENT !== "production") return;
    if (
      settings.SECRET_KEY === DEFAULT_SECRET_KEY ||
      settings.SECRET_KEY.length < MIN_SECRET_KEY_LENGTH
    ) {
      context.addIssue({
        code: "custom",
        path: ["SECRET_KEY"],
        message:
          `must be a random value of at least ${String(MIN_SECRET_KEY_LENGTH)} characters in ` +
          "production, which is what an unset ENVIRONMENT means (node -e " +
          "\"console.log(require('crypto').randomBytes(48).toString('base64url'))\"; " +
          "for local work set ENVIRONMENT=development)",
      });
    }
    if (settings.DEBUG) {
      context.addIssue({ code: "custom", path: ["DEBUG"], message: "must be off in production" });
    }
  })
  .transform((settings) => ({
    ...settings,
    isProduction: settings.ENVIRONMENT === "production",
    jsonLogs:
      (settings.LOG_FORMAT ?? (settings.ENVIRONMENT === "production" ? "json" : "console")) ===
      "json",
  }));

export type Settings = z.infer<typeof schema>;

function checkTrustedProxies(proxies: string[], context: z.RefinementCtx): void {
  for (const proxy of proxies) {
    if (proxy === "*") {
      context.addIssue({ code: "custom", message: `'*' is refused: ${TRUST_EVERYONE}` });
      continue;
    }
    const [address = "", prefix] = proxy.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      context.addIssue({ code: "custom", message: `${proxy} is not an address or CIDR` });
    } else if (bits === 0) {
      context.addIssue({
        code: "custom",
        message: `${proxy} is refused: it is every address, and ${TRUST_EVERYONE}`,
      });
    }
  }
}

/** Whether an address is one of TRUSTED_PROXIES (Express's `trust proxy` function). */
export function trustedProxies(settings: Settings): (address: string) => boolean {
  const blocks = new BlockList();
  for (const proxy of settings.TRUSTED_PROXIES) {
    const [address = "", prefix] = proxy.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = address.replace(/^::ffff:(?=\d+\.)/, "");
    return blocks.check(plain, isIP(plain) === 6 ? "ipv6" : "ipv4");
  };
}

/** Why the settings stop the start, on one line for the operator. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Validate `env` (default: process.env, after reading `.env` when present). */
export function loadSettings(
  env: Record<string, string | undefined> = readEnvironment(),
): Settings {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const reasons = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`)
      .join("; ");
    throw new SettingsError(`Refusing to start: ${reasons}`);
  }
  return parsed.data;
}

function readEnvironment(): Record<string, string | undefined> {
  // Real environment variables win over .env (process.loadEnvFile keeps them).
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}
