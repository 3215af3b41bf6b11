/**
 * Elicitation: a tool asking the person behind the session for a few values (MCP's
 * `elicitation/create`, form mode). The form is a restricted JSON Schema — a flat object of
 * string, number, integer, boolean and enum fields — so any front end can draw it; the
 * answer is accept (with content), decline or cancel.
 */

/** A string field; `format` is a hint for the input (and checked on the answer). */
export interface ElicitationStringField {
  type: 'string';
  title?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  format?: 'email' | 'uri' | 'date' | 'date-time';
  default?: string;
}

export interface ElicitationNumberField {
  type: 'number' | 'integer';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: number;
}

export interface ElicitationBooleanField {
  type: 'boolean';
  title?: string;
  description?: string;
  default?: boolean;
}

/** One choice of several: `enum` (with the legacy `enumNames` as labels) or `oneOf` of `{ const, title }`. */
export interface ElicitationSingleSelectField {
  type: 'string';
  title?: string;
  description?: string;
  enum?: string[];
  enumNames?: string[];
  oneOf?: Array<{ const: string; title: string }>;
  default?: string;
}

/** Several choices: `items.enum`, or `items.anyOf` of `{ const, title }`. */
export interface ElicitationMultiSelectField {
  type: 'array';
  title?: string;
  description?: string;
  minItems?: number;
  maxItems?: number;
  items: { type: 'string'; enum: string[] } | { anyOf: Array<{ const: string; title: string }> };
  default?: string[];
}

export type ElicitationField =
  | ElicitationStringField
  | ElicitationNumberField
  | ElicitationBooleanField
  | ElicitationSingleSelectField
  | ElicitationMultiSelectField;

/** The form: top-level fields only, as MCP allows. */
export interface ElicitationSchema {
  type: 'object';
  properties: Record<string, ElicitationField>;
  required?: string[];
}

export type ElicitationValue = string | number | boolean | string[];
export type ElicitationContent = Record<string, ElicitationValue>;
export type ElicitationAction = 'accept' | 'decline' | 'cancel';

/** What a tool asks (`ToolContext.elicit`); the schema is checked before anyone sees it. */
export interface ToolElicitation {
  /** Shown to the person: why the values are wanted. */
  message: string;
  requestedSchema: Record<string, unknown>;
  /** The MCP server asking, shown beside the message. */
  server?: string;
  /**
   * URL mode: the person is to open this page (http or https), and answers accept once done
   * there; the form is then empty. Shown in full, never opened for them.
   */
  url?: string;
  /** Aborted when the asker gives up (the server cancelled its request): the question is withdrawn. */
  signal?: AbortSignal;
}

/** What the tool gets back: content only with `accept`, checked against the schema. */
export interface ElicitationResult {
  action: ElicitationAction;
  content?: ElicitationContent;
}

/** What a front end is asked to show (`ExecuteContext.requestInput`, `elicitation.requested`). */
export interface ElicitationRequest {
  /** Names this question in `answerElicitation()` and the service's route. */
  id: string;
  callId: string;
  /** The tool whose call asks. */
  name: string;
  server?: string;
  message: string;
  requestedSchema: ElicitationSchema;
  /** URL mode: the page to open (the form is empty; accept means done). */
  url?: string;
}

/** A person's answer, and who gave it. */
export interface ElicitationAnswer extends ElicitationResult {
  by: string;
}
