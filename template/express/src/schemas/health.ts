/** Health check shapes. */
import { envelope } from "./common.ts";
import { z } from "./zod.ts";

export const Liveness = z
  .object({ status: z.literal("ok").default("ok") })
  .openapi("Liveness", { description: "The process is up." });

export const Readiness = z
  .object({ status: z.literal("ok").default("ok"), database: z.literal("ok").default("ok") })
  .openapi("Readiness", { description: "The database answers." });

export const LivenessEnvelope = envelope(Liveness, "LivenessEnvelope");
export const ReadinessEnvelope = envelope(Readiness, "ReadinessEnvelope");
