import { z } from 'zod';

/** Zod schemas of every request body, query and path parameter of the sessions API. */

const metadataSchema = z.record(z.string(), z.unknown());

export const createSessionBodySchema = z.strictObject({
  system: z.string().max(100_000).optional(),
  metadata: metadataSchema.optional(),
});

/** A turn's input: a user message, or a stored prompt by name rendered with its input (exactly one). */
export const postMessageBodySchema = z
  .strictObject({
    input: z.string().trim().min(1, 'must not be empty').max(1_000_000).optional(),
    prompt: z
      .strictObject({
        /** A prompt in the server's prompt folder (config `prompts.dir`), e.g. `triage` or `support/triage`; never a path. */
        name: z
          .string()
          .max(200)
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/, 'must be a stored prompt name (letters, digits, _ . - and /; no paths)'),
        input: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  })
  .superRefine((body, context) => {
    if ((body.input === undefined) === (body.prompt === undefined)) {
      context.addIssue({ code: 'custom', path: ['input'], message: 'give either input (a user message) or prompt ({ name, input }), exactly one' });
    }
  });

export const approvalBodySchema = z.strictObject({
  approved: z.boolean(),
  reason: z.string().max(10_000).optional(),
});

/** An answer to a tool's form (MCP elicitation); the content is checked against the form itself by the runtime. */
export const elicitationBodySchema = z.strictObject({
  action: z.enum(['accept', 'decline', 'cancel']),
  content: z.record(z.string().max(100), z.union([z.string().max(100_000), z.number(), z.boolean(), z.array(z.string().max(500)).max(100)])).optional(),
});

const integerString = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const listSessionsQuerySchema = z.object({
  limit: integerString(1, 1000).default(50),
  offset: integerString(0, Number.MAX_SAFE_INTEGER).default(0),
});

export const eventsQuerySchema = z.object({
  after: integerString(0, Number.MAX_SAFE_INTEGER).optional(),
});

/** Session ids are ours (UUIDs by default) but any store-safe token is accepted. */
export const sessionIdPattern = /^[A-Za-z0-9_.:-]{1,200}$/;
export const sessionIdMessage = 'not a valid session id';
export const sessionIdSchema = z.string().regex(sessionIdPattern, sessionIdMessage);

export const sessionParamsSchema = z.object({ id: sessionIdSchema });
export const approvalParamsSchema = z.object({ id: sessionIdSchema, callId: z.string().min(1).max(200) });
export const elicitationParamsSchema = z.object({ id: sessionIdSchema, elicitationId: z.string().min(1).max(200) });

/** `Last-Event-ID` as sent by EventSource on reconnect. */
export const lastEventIdSchema = integerString(0, Number.MAX_SAFE_INTEGER);
