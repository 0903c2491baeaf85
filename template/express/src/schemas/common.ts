/** The envelope every response uses, and pagination. */
import { ERROR_CODES } from "../errors.ts";
import { z } from "./zod.ts";

export const MAX_PAGE_SIZE = 100;
// Ids are SQL INTEGER columns: positive and 32-bit.
const INT32_MAX = 2_147_483_647;

export const ErrorCode = z.enum(ERROR_CODES).openapi("ErrorCode", {
  description: "The `error.code` values of the response envelope.",
});

export const ErrorBody = z
  .object({
    code: ErrorCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).nullable().default(null),
  })
  .openapi("ErrorBody", { description: "What went wrong." });

export const ErrorEnvelope = z
  .object({
    success: z.literal(false).default(false),
    error: ErrorBody,
    timestamp: z.iso.datetime().optional(),
  })
  .openapi("ErrorEnvelope", { description: "A failed response." });

/** The success envelope around `data`, registered under `name`. */
export function envelope<T extends z.ZodType>(data: T, name: string) {
  return z
    .object({
      success: z.literal(true).default(true),
      data,
      message: z.string().default("OK"),
      timestamp: z.iso.datetime().optional(),
    })
    .openapi(name, { description: "A successful response." });
}

/** One page of `item`, registered under `name`. */
export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      page: z.int().min(1),
      page_size: z.int().min(1).max(MAX_PAGE_SIZE),
      total: z.int().min(0),
    })
    .openapi(name, { description: "One page of a list." });
}

const queryInteger = z
  .string()
  .regex(/^\d{1,10}$/, "must be a whole number")
  .transform(Number)
  .pipe(z.int().min(1).max(INT32_MAX));

/** `?page=&page_size=`: page from 1, page_size capped at 100. */
export const PageQuery = z.object({
  page: queryInteger
    .optional()
    .default(1)
    .openapi({ type: "integer", minimum: 1, maximum: INT32_MAX }),
  page_size: queryInteger
    .optional()
    .default(20)
    .transform((size) => Math.min(size, MAX_PAGE_SIZE))
    .openapi({ type: "integer", minimum: 1, maximum: INT32_MAX }),
});

/** A positive 32-bit id in the path. */
export const pathId = queryInteger.openapi({ type: "integer", minimum: 1, maximum: INT32_MAX });

export const EmptyEnvelope = envelope(z.null(), "EmptyEnvelope");
