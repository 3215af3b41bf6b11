import { z } from 'zod';

/** Zod schemas of the request bodies and queries of the workflow routes. */

/** A definition inline: the object, or its YAML/JSON text (the first YAML document). */
export const startRunBodySchema = z.strictObject({
  definition: z.union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())]),
  input: z.unknown().optional(),
});

/** An event for the run's `listen` tasks (CloudEvents attributes), or an approval: `{ approved, reason? }`. */
export const postRunEventBodySchema = z.union([
  z.strictObject({
    type: z.string().min(1).max(200),
    source: z.string().max(1000).optional(),
    subject: z.string().max(1000).optional(),
    data: z.unknown().optional(),
  }),
  z.strictObject({ approved: z.boolean(), reason: z.string().max(10_000).optional() }),
]);

export const runStatusSchema = z.enum(['running', 'completed', 'faulted', 'cancelled']);

export const listRunsQuerySchema = z.object({
  status: runStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/** Run ids are ours (UUIDs) but any store-safe token is accepted, as for sessions. */
export const runIdPattern = /^[A-Za-z0-9_.:-]{1,200}$/;
