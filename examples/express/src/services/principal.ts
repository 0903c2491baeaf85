/** Who is calling: the user row, read on every request, so role changes count at once. */
import type { Role } from "../models/database.ts";

export interface Principal {
  readonly id: number;
  readonly role: Role;
}
