/** The application factory: settings and dependencies in, a fully assembled Express app out. */
import type { TracerProvider } from "@opentelemetry/api";
import express, { type Express } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

import { type Settings, trustedProxies } from "./config/settings.ts";
import type { Db } from "./db/database.ts";
import { jsonBody } from "./middleware/body.ts";
import { cors } from "./middleware/cors.ts";
import { errorHandler, notFound } from "./middleware/errors.ts";
import { createMetrics, METRICS_PATH } from "./middleware/metrics.ts";
import { type CounterStore, parseLimit, rateLimit } from "./middleware/rateLimit.ts";
import { requestId } from "./middleware/requestId.ts";
import { securityHeaders } from "./middleware/securityHeaders.ts";
import { API_PREFIX, buildOpenApiDocument, OPENAPI_PATH, routeTable } from "./openapi.ts";
import { createAuthRouter } from "./routes/auth.ts";
import { createAuthenticator } from "./routes/authenticate.ts";
import { createDocsRouter } from "./routes/docs.ts";
import { createHealthRouter } from "./routes/health.ts";
import { createItemsRouter } from "./routes/items.ts";
import { createUsersRouter } from "./routes/users.ts";
import { ItemService } from "./services/items.ts";
import { PasswordHasher } from "./services/passwords.ts";
import { TokenService } from "./services/tokens.ts";
import { UserService } from "./services/users.ts";
import { traceIdField, traceRequests } from "./tracing.ts";

export const DOCS_PATH = "/docs";

/** What the app needs from outside; tests pass their own. */
export interface AppDeps {
  settings: Settings;
  db: Db;
  logger: Logger;
  counters: CounterStore;
  /** True once SIGTERM arrived: readiness answers 503. */
  isShuttingDown?: () => boolean;
  /** Tracing is on with one: a span per request (and per query, with createDb's). */
  tracerProvider?: TracerProvider | undefined;
}

/** Assemble middleware, routers and the error handler for `deps`. */
export function buildApp({
  settings,
  db,
  logger,
  counters,
  isShuttingDown = () => false,
  tracerProvider,
}: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // The client is the rightmost X-Forwarded-For hop that no trusted proxy owns.
  app.set("trust proxy", trustedProxies(settings));

  const routes = routeTable({
    [OPENAPI_PATH]: ["GET", "HEAD"],
    [DOCS_PATH]: ["GET", "HEAD"],
    ...(settings.METRICS_ENABLED ? { [METRICS_PATH]: ["GET", "HEAD"] } : {}),
  });
  const json = jsonBody({ maxBytes: settings.MAX_BODY_BYTES });
  const passwords = new PasswordHasher(settings.PASSWORD_HASH_CONCURRENCY);
  const userService = new UserService(db, passwords);
  const tokenService = new TokenService(db, settings);
  const authenticator = createAuthenticator({ tokenService, userService });
  const itemService = new ItemService(db);

  if (tracerProvider !== undefined) app.use(traceRequests(tracerProvider, routes.routeTemplateOf));
  const metrics = settings.METRICS_ENABLED ? createMetrics(routes.routeTemplateOf) : undefined;
  if (metrics !== undefined) app.use(metrics.middleware);
  app.use(
    pinoHttp({
      logger,
      genReqId: requestId,
      quietReqLogger: true,
      ...(tracerProvider === undefined ? {} : { customProps: traceIdField }),
      // One short line per request: method, path, status, duration and request id, read
      // straight from the request and response (pino-http's wrappers copy every header first).
      wrapSerializers: false,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders({ docsPath: DOCS_PATH, hsts: settings.isProduction }));
  app.use(cors({ origins: settings.CORS_ORIGINS }));
  if (settings.RATE_LIMIT_ENABLED) {
    app.use(
      rateLimit({
        store: counters,
        defaultLimit: parseLimit(settings.RATE_LIMIT_DEFAULT),
        authLimit: parseLimit(settings.RATE_LIMIT_AUTH),
        authPaths: new Set([`${API_PREFIX}/auth/login`, `${API_PREFIX}/auth/register`]),
        exemptPrefixes: ["/health", DOCS_PATH, OPENAPI_PATH, METRICS_PATH],
        logger,
      }),
    );
  }

  if (metrics !== undefined) {
    app.get(METRICS_PATH, async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  app.use("/health", createHealthRouter({ db, isShuttingDown }));
  app.use(
    createDocsRouter({
      document: buildOpenApiDocument(),
      openapiPath: OPENAPI_PATH,
      docsPath: DOCS_PATH,
    }),
  );
  app.use(
    `${API_PREFIX}/auth`,
    createAuthRouter({ userService, tokenService, authenticator, json }),
  );
  app.use(`${API_PREFIX}/users`, createUsersRouter({ userService, authenticator, json }));
  app.use(`${API_PREFIX}/items`, createItemsRouter({ itemService, authenticator, json }));
  app.use(notFound(routes.methodsAt));
  app.use(errorHandler({ debug: settings.DEBUG }));
  return app;
}
