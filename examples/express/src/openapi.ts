/** The OpenAPI document, generated from the same zod schemas that validate requests. */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
  type ZodRequestBody,
} from "@asteasolutions/zod-to-openapi";

import { EmptyEnvelope, ErrorEnvelope, PageQuery, pathId } from "./schemas/common.ts";
import { LivenessEnvelope, ReadinessEnvelope } from "./schemas/health.ts";
import {
  ItemCreate,
  ItemEnvelope,
  ItemPageEnvelope,
  ItemReplace,
  ItemUpdate,
} from "./schemas/items.ts";
import { LogoutRequest, RefreshRequest, TokenPairEnvelope } from "./schemas/tokens.ts";
import {
  Credentials,
  LoginRequest,
  UserCreate,
  UserEnvelope,
  UserPageEnvelope,
  UserUpdate,
} from "./schemas/users.ts";
import { z } from "./schemas/zod.ts";

export const API_PREFIX = "/api/v1";
export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;
const SCHEME = "bearerAuth";
// Every API operation may answer these (parsing, auth, limits, crashes).
const API_ERRORS = [400, 401, 413, 415, 422, 429, 500];

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Validation Error",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function errorResponses(statuses: readonly number[]): Record<number, ResponseConfig> {
  const sorted = [...new Set(statuses)].sort((a, b) => a - b);
  return Object.fromEntries(
    sorted.map((status) => [
      status,
      {
        description: STATUS_TEXT[status] ?? "Error",
        content: { "application/json": { schema: ErrorEnvelope } },
      },
    ]),
  );
}

function json(schema: z.ZodType, status: number): Record<number, ResponseConfig> {
  return {
    [status]: {
      description: STATUS_TEXT[status] ?? "OK",
      content: { "application/json": { schema } },
    },
  };
}

function body(schema: z.ZodType, required = true): ZodRequestBody {
  return { required, content: { "application/json": { schema } } };
}

interface Operation {
  method: RouteConfig["method"];
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  public?: boolean;
  request?: RouteConfig["request"];
  success: Record<number, ResponseConfig>;
  errors: readonly number[];
}

const itemParams = { params: z.object({ item_id: pathId }) };
const userParams = { params: z.object({ user_id: pathId }) };

/** Every operation of the API, in the order of the document. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/health/live",
    operationId: "live",
    tag: "health",
    summary: "Liveness",
    public: true,
    success: json(LivenessEnvelope, 200),
    errors: [500],
  },
  {
    method: "get",
    path: "/health/ready",
    operationId: "ready",
    tag: "health",
    summary: "Readiness",
    public: true,
    success: json(ReadinessEnvelope, 200),
    errors: [500, 503],
  },
  {
    method: "post",
    path: `${API_PREFIX}/auth/register`,
    operationId: "register",
    tag: "auth",
    summary: "Register an account",
    public: true,
    request: { body: body(Credentials) },
    success: json(UserEnvelope, 201),
    errors: [...API_ERRORS, 409],
  },
  {
    method: "post",
    path: `${API_PREFIX}/auth/login`,
    operationId: "login",
    tag: "auth",
    summary: "Sign in",
    public: true,
    request: { body: body(LoginRequest) },
    success: json(TokenPairEnvelope, 200),
    errors: API_ERRORS,
  },
  {
    method: "post",
    path: `${API_PREFIX}/auth/refresh`,
    operationId: "refresh",
    tag: "auth",
    summary: "Rotate tokens",
    public: true,
    request: { body: body(RefreshRequest) },
    success: json(TokenPairEnvelope, 200),
    errors: API_ERRORS,
  },
  {
    method: "post",
    path: `${API_PREFIX}/auth/logout`,
    operationId: "logout",
    tag: "auth",
    summary: "Sign out",
    request: { body: body(z.union([LogoutRequest, z.null()]), false) },
    success: json(EmptyEnvelope, 200),
    errors: API_ERRORS,
  },
  {
    method: "get",
    path: `${API_PREFIX}/auth/me`,
    operationId: "getMe",
    tag: "auth",
    summary: "The signed-in user",
    success: json(UserEnvelope, 200),
    errors: API_ERRORS,
  },
  {
    method: "get",
    path: `${API_PREFIX}/users`,
    operationId: "listUsers",
    tag: "users",
    summary: "List users",
    request: { query: PageQuery },
    success: json(UserPageEnvelope, 200),
    errors: [...API_ERRORS, 403],
  },
  {
    method: "post",
    path: `${API_PREFIX}/users`,
    operationId: "createUser",
    tag: "users",
    summary: "Create a user",
    request: { body: body(UserCreate) },
    success: json(UserEnvelope, 201),
    errors: [...API_ERRORS, 403, 409],
  },
  {
    method: "get",
    path: `${API_PREFIX}/users/{user_id}`,
    operationId: "getUser",
    tag: "users",
    summary: "Get a user",
    request: userParams,
    success: json(UserEnvelope, 200),
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: "patch",
    path: `${API_PREFIX}/users/{user_id}`,
    operationId: "updateUser",
    tag: "users",
    summary: "Change a user's role or active flag",
    request: { ...userParams, body: body(UserUpdate) },
    success: json(UserEnvelope, 200),
    errors: [...API_ERRORS, 403, 404, 409],
  },
  {
    method: "delete",
    path: `${API_PREFIX}/users/{user_id}`,
    operationId: "deleteUser",
    tag: "users",
    summary: "Delete a user",
    request: userParams,
    success: { 204: { description: "No Content" } },
    errors: [...API_ERRORS, 403, 404, 409],
  },
  {
    method: "get",
    path: `${API_PREFIX}/items`,
    operationId: "listItems",
    tag: "items",
    summary: "List items",
    request: { query: PageQuery },
    success: json(ItemPageEnvelope, 200),
    errors: API_ERRORS,
  },
  {
    method: "post",
    path: `${API_PREFIX}/items`,
    operationId: "createItem",
    tag: "items",
    summary: "Create an item",
    request: { body: body(ItemCreate) },
    success: json(ItemEnvelope, 201),
    errors: API_ERRORS,
  },
  {
    method: "get",
    path: `${API_PREFIX}/items/{item_id}`,
    operationId: "getItem",
    tag: "items",
    summary: "Get an item",
    request: itemParams,
    success: json(ItemEnvelope, 200),
    errors: [...API_ERRORS, 404],
  },
  {
    method: "put",
    path: `${API_PREFIX}/items/{item_id}`,
    operationId: "replaceItem",
    tag: "items",
    summary: "Replace an item",
    request: { ...itemParams, body: body(ItemReplace) },
    success: json(ItemEnvelope, 200),
    errors: [...API_ERRORS, 404],
  },
  {
    method: "patch",
    path: `${API_PREFIX}/items/{item_id}`,
    operationId: "updateItem",
    tag: "items",
    summary: "Change an item",
    request: { ...itemParams, body: body(ItemUpdate) },
    success: json(ItemEnvelope, 200),
    errors: [...API_ERRORS, 404],
  },
  {
    method: "delete",
    path: `${API_PREFIX}/items/{item_id}`,
    operationId: "deleteItem",
    tag: "items",
    summary: "Delete an item",
    request: itemParams,
    success: { 204: { description: "No Content" } },
    errors: [...API_ERRORS, 404],
  },
];

/** The OpenAPI 3.1 document of the service. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", SCHEME, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  for (const operation of OPERATIONS) {
    registry.registerPath({
      method: operation.method,
      path: operation.path,
      operationId: operation.operationId,
      tags: [operation.tag],
      summary: operation.summary,
      security: operation.public === true ? [] : [{ [SCHEME]: [] }],
      ...(operation.request === undefined ? {} : { request: operation.request }),
      responses: { ...operation.success, ...errorResponses(operation.errors) },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "My Service",
      description: "A backend service rendered by copier-backend.",
      version: "0.1.0",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/" }],
    tags: ["health", "auth", "users", "items"].map((name) => ({ name })),
  });
}

/** Each documented path as a pattern, with its methods (HEAD wherever GET is). */
export function routeTable(extra: Record<string, readonly string[]> = {}): {
  methodsAt: (path: string) => readonly string[];
  routeTemplateOf: (path: string) => string | undefined;
} {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of OPERATIONS) {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    if (method === "get") methods.add("HEAD");
    byPath.set(path, methods);
  }
  for (const [path, methods] of Object.entries(extra)) byPath.set(path, new Set(methods));
  const routes = [...byPath].map(([template, methods]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
    methods: [...methods],
  }));
  const find = (path: string) => routes.find((route) => route.pattern.test(path));
  return {
    methodsAt: (path) => find(path)?.methods ?? [],
    routeTemplateOf: (path) => find(path)?.template,
  };
}
