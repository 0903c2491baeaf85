/** Item shapes: what clients send and what they get back. */
import { envelope, page } from "./common.ts";
import { z } from "./zod.ts";

// Not every database can store NUL in text: refused on all of them.
const noNul = (value: string) => !value.includes("\u0000");
const NUL_REFUSED = "must not contain NUL characters";
const name = z.string().min(1).max(200).refine(noNul, NUL_REFUSED);
const description = z.string().max(2000).refine(noNul, NUL_REFUSED);

export const ItemCreate = z
  .strictObject({ name, description: description.nullable().optional() })
  .openapi("ItemCreate", { description: "A new item." });

export const ItemReplace = z
  .strictObject({ name, description: description.nullable().optional() })
  .openapi("ItemReplace", { description: "A full replacement (PUT): same rules as a new item." });

export const ItemUpdate = z
  .strictObject({ name: name.optional(), description: description.nullable().optional() })
  .openapi("ItemUpdate", { description: "A partial update (PATCH): only the fields sent change." });

export const ItemRead = z
  .object({
    id: z.int(),
    name: z.string(),
    description: z.string().nullable(),
    owner_id: z.int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi("ItemRead", { description: "An item as clients see it." });

export const ItemPage = page(ItemRead, "ItemPage");
export const ItemEnvelope = envelope(ItemRead, "ItemEnvelope");
export const ItemPageEnvelope = envelope(ItemPage, "ItemPageEnvelope");

export type ItemCreate = z.infer<typeof ItemCreate>;
export type ItemUpdate = z.infer<typeof ItemUpdate>;
export type ItemRead = z.infer<typeof ItemRead>;
