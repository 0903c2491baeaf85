/** Account shapes: credentials, users as clients see them, admin changes. */
import { envelope, page } from "./common.ts";
import { z } from "./zod.ts";

export const MIN_PASSWORD_LENGTH = 8;
// Login takes any password up to this length: a long one is just wrong, never a 422.
const LOGIN_PASSWORD_MAX_LENGTH = 1024;
// The HTML5 address syntax: what browsers accept, and the `email` format clients generate.
const email = z
  .email({ pattern: z.regexes.html5Email })
  .max(320)
  .transform((value) => value.toLowerCase());
const password = z.string().min(MIN_PASSWORD_LENGTH).max(128);

export const Role = z
  .enum(["admin", "user"])
  .openapi("Role", { description: "What a user may do." });

export const Credentials = z
  .strictObject({ email, password })
  .openapi("Credentials", { description: "An email and a password: the body of register." });

// Login checks credentials only: a password today's policy refuses is just wrong (401).
export const LoginRequest = z
  .strictObject({
    email: z.string().max(320),
    password: z.string().min(1).max(LOGIN_PASSWORD_MAX_LENGTH),
  })
  .openapi("LoginRequest", { description: "An email and a password: the body of login." });

export const UserCreate = z
  .strictObject({ email, password, role: Role.default("user") })
  .openapi("UserCreate", { description: "A user made by an admin." });

export const UserUpdate = z
  .strictObject({ role: Role.optional(), is_active: z.boolean().optional() })
  .openapi("UserUpdate", { description: "What an admin may change about a user." });

export const UserRead = z
  .object({
    id: z.int(),
    email: z.string(),
    role: Role,
    is_active: z.boolean(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi("UserRead", { description: "A user as clients see it: never a password." });

export const UserPage = page(UserRead, "UserPage");
export const UserEnvelope = envelope(UserRead, "UserEnvelope");
export const UserPageEnvelope = envelope(UserPage, "UserPageEnvelope");

export type UserCreate = z.infer<typeof UserCreate>;
export type UserUpdate = z.infer<typeof UserUpdate>;
