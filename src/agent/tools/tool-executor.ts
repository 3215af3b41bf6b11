import { Validator } from '@cfworker/json-schema';
import { AgentboxError, type SerializedError } from '../../errors/agentbox-error.js';
import type { Capabilities } from '../../auth/capabilities.js';
import type { EventPayload, ToolResourceUsage } from '../../engine/events.js';
import type { ToolCall } from '../../engine/messages.js';
import type { ElicitationAnswer, ElicitationRequest } from '../../engine/elicitation.js';
import { elicitPerson } from './elicit-person.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import type { Tool, ToolContext, ToolResult } from './tool.js';
import type { ToolRegistry } from './tool-registry.js';
import type { SessionSampler } from './create-session-sampler.js';

/** An authorization verdict; failures are data, not exceptions. */
export interface ToolAuthDecision {
  allowed: boolean;
  reason: string;
  rule?: string;
  permission?: string;
  /** What the call may use (the tool's request ∩ the principal's grants); handed to the tool. */
  capabilities?: Capabilities;
}

export interface ToolAuthRequest {
  principal: string;
  sessionId: string;
  tool: Tool;
  args: Record<string, unknown>;
}

export interface ApprovalRequest {
  callId: string;
  name: string;
  arguments: string;
}

export interface ApprovalDecision {
  approved: boolean;
  by: string;
  reason?: string;
}

export interface ToolExecutorOptions {
  registry: ToolRegistry;
  /** Deadline for a call whose tool sets none. Default 30 s. */
  defaultTimeoutMs?: number;
  /** Longest output shown to the model; longer output is truncated with a marker. Default 64 KiB. */
  maxOutputChars?: number;
  /**
   * Process CPU time in ms (Node: from `process.cpuUsage()`), used for calls whose tool
   * reports none; with calls in parallel it includes their neighbours' CPU.
   */
  cpuTime?: () => number;
  /** Checked before every call; absent means every registered tool is allowed. */
  authorize?: (request: ToolAuthRequest) => ToolAuthDecision | Promise<ToolAuthDecision>;
}

export interface ExecuteContext {
  sessionId: string;
  principal: string;
  step: number;
  signal: AbortSignal;
  /**
   * Records an event (tool.started, tool.completed, auth.*, approval.*). May return a
   * promise to wait on; `undefined` means go on at once (events batch that way).
   */
  emit: (payload: EventPayload) => void | Promise<void> | undefined;
  /** A workflow task's idempotency key, handed to the tool (see ToolContext). */
  idempotencyKey?: string;
  /** Asks a human about calls to tools marked `needsApproval`; absent means deny them. */
  requestApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /**
   * Asks a person to fill in a running tool's form (`ToolContext.elicit`, MCP elicitation).
   * Absent, nobody can be asked: tools get no `elicit`, and an MCP server's request is refused.
   */
  requestInput?: (request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>;
  /** The tools this turn offered (a prompt file's `tools:`); a call to another is TOOL_NOT_FOUND. Absent: every registered tool. */
  offered?: ReadonlySet<string>;
  /** Runs a tool's completion request (`ToolContext.sample`) on the session's model; absent, tools get none. */
  sample?: SessionSampler;
}

interface PreparedCall {
  call: ToolCall;
  tool?: Tool;
  args?: Record<string, unknown>;
  capabilities?: Capabilities;
  error?: AgentboxError;
}

/**
 * Validates, authorizes and runs the tool calls of one model turn, in parallel, each under
 * a deadline. Every failure becomes a structured result the model can read, so the loop
 * goes on.
 */
export class ToolExecutor {
  private readonly validators = new WeakMap<Tool, Validator>();
  private readonly defaultTimeoutMs: number;
  private readonly maxOutputChars: number;

  constructor(private readonly options: ToolExecutorOptions) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.maxOutputChars = options.maxOutputChars ?? 64 * 1024;
  }

  get registry(): ToolRegistry {
    return this.options.registry;
  }

  async execute(calls: readonly ToolCall[], context: ExecuteContext): Promise<ToolResult[]> {
    const prepared = await Promise.all(calls.map((call) => this.prepare(call, context)));
    if (prepared.some((p) => !p.error && p.tool?.needsApproval)) await this.collectApprovals(prepared, context);
    return Promise.all(prepared.map((p) => this.run(p, context)));
  }

  private async prepare(call: ToolCall, context: ExecuteContext): Promise<PreparedCall> {
    const { offered } = context;
    // Offered is the model's whole world: a registered tool the turn did not offer is unknown to it.
    const tool = offered && !offered.has(call.name) ? undefined : this.options.registry.get(call.name);
    if (!tool) {
      const known =
        this.options.registry
          .list()
          .map((t) => t.name)
          .filter((name) => !offered || offered.has(name))
          .join(', ') || 'none';
      return { call, error: new AgentboxError('TOOL_NOT_FOUND', `unknown tool '${call.name}'; available tools: ${known}`) };
    }
    let args: Record<string, unknown>;
    try {
      args = parseToolArguments(call.arguments);
      this.validate(tool, args);
    } catch (error) {
      return { call, tool, error: error as AgentboxError };
    }
    if (this.options.authorize) {
      const pending = this.options.authorize({ principal: context.principal, sessionId: context.sessionId, tool, args });
      const decision = pending instanceof Promise ? await pending : pending;
      const wait = context.emit({
        type: decision.allowed ? 'auth.allowed' : 'auth.denied',
        permission: decision.permission ?? `tool:invoke:${tool.name}`,
        principal: context.principal,
        ...(decision.rule ? { rule: decision.rule } : {}),
        reason: decision.reason,
      });
      if (wait) await wait;
      if (!decision.allowed) {
        return { call, tool, error: new AgentboxError('TOOL_DENIED', `permission denied: ${decision.reason}`) };
      }
      if (decision.capabilities) return { call, tool, args, capabilities: decision.capabilities };
    }
    return { call, tool, args };
  }

  private validate(tool: Tool, args: Record<string, unknown>): void {
    let validator = this.validators.get(tool);
    if (!validator) {
      validator = new Validator(tool.parameters as ConstructorParameters<typeof Validator>[0], '2020-12', false);
      this.validators.set(tool, validator);
    }
    const result = validator.validate(args);
    if (result.valid) return;
    // The deepest errors say what is wrong; the wrappers only say "properties failed".
    const leaves = result.errors.filter((e) => !['properties', 'allOf', 'anyOf', 'items', '$ref'].includes(e.keyword));
    const shown = (leaves.length > 0 ? leaves : result.errors).slice(0, 5);
    const detail = shown.map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`).join('; ');
    throw new AgentboxError('TOOL_ARGS_INVALID', `arguments do not match the schema of '${tool.name}': ${detail}`, {
      details: { errors: shown.map((e) => ({ path: e.instanceLocation, keyword: e.keyword, message: e.error })) },
    });
  }

  private async collectApprovals(prepared: PreparedCall[], context: ExecuteContext): Promise<void> {
    const pending = prepared.filter((p) => !p.error && p.tool?.needsApproval);
    if (pending.length === 0) return;
    // The approver sees the arguments that will run, re-serialized: the model's raw text can
    // repeat a key (JSON.parse keeps the last) or hide text behind a carriage return.
    const requests = pending.map(({ call, args }) => ({ callId: call.id, name: call.name, arguments: JSON.stringify(args ?? {}) }));
    // Ask first so the approver is registered before anyone sees the request events.
    const asked = context.requestApproval ? context.requestApproval(requests) : Promise.resolve(new Map<string, ApprovalDecision>());
    for (const r of requests) {
      const wait = context.emit({ type: 'approval.requested', step: context.step, ...r });
      if (wait) await wait;
    }
    const decisions = await asked;
    for (const p of pending) {
      const decision = decisions.get(p.call.id) ?? { approved: false, by: 'system', reason: 'no approver is available' };
      const wait = context.emit({ type: 'approval.decided', callId: p.call.id, ...decision });
      if (wait) await wait;
      if (!decision.approved) {
        const why = decision.reason ? `: ${decision.reason}` : '';
        p.error = new AgentboxError('TOOL_DENIED', `the user did not approve this call${why}`);
      }
    }
  }

  private async run(prepared: PreparedCall, context: ExecuteContext): Promise<ToolResult> {
    const { call } = prepared;
    const startWait = context.emit({ type: 'tool.started', step: context.step, callId: call.id, name: call.name, arguments: call.arguments });
    if (startWait) await startWait;
    const started = performance.now();
    const usage: { cpuMs?: number; peakMemoryBytes?: number } = {};
    let result: ToolResult;
    const { tool, args } = prepared;
    const cpuBefore = tool?.cpuTime === undefined ? this.options.cpuTime?.() : undefined;
    if (prepared.error || !tool || !args) {
      result = this.failure(call, prepared.error ?? new AgentboxError('TOOL_FAILED', 'tool could not be prepared'), 0);
    } else {
      try {
        const value = await this.invoke({ tool, args, call, ...(prepared.capabilities ? { capabilities: prepared.capabilities } : {}) }, context, usage);
        const durationMs = performance.now() - started;
        result = { callId: call.id, name: call.name, ok: true, value, output: this.render(value), durationMs };
      } catch (error) {
        result = this.failure(call, error, performance.now() - started);
      }
    }
    if (usage.cpuMs === undefined && cpuBefore !== undefined && this.options.cpuTime) usage.cpuMs = this.options.cpuTime() - cpuBefore;
    const endWait = context.emit(completedEvent(result, context.step, usage));
    if (endWait) await endWait;
    return result;
  }

  private async invoke(
    ready: { tool: Tool; args: Record<string, unknown>; call: ToolCall; capabilities?: Capabilities },
    context: ExecuteContext,
    usage: { cpuMs?: number; peakMemoryBytes?: number },
  ): Promise<unknown> {
    const { tool, args, call } = ready;
    const turn = context.signal;
    if (turn.aborted) throw new AgentboxError('CANCELLED', 'the turn was cancelled');
    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    // The call's own signal is made only if the tool reads it: most tools never do, and an
    // AbortController plus its listeners is a measurable share of a fast call.
    let controller: AbortController | undefined;
    let stop: ((error: unknown) => void) | undefined;
    const ended = new Promise<never>((_, reject) => (stop = reject));
    const onTurnAbort = (): void => {
      controller?.abort(turn.reason);
      stop?.(new AgentboxError('CANCELLED', 'the turn was cancelled'));
    };
    turn.addEventListener('abort', onTurnAbort, { once: true });
    const expire = (): void => {
      const error = new AgentboxError('TOOL_TIMEOUT', `tool '${tool.name}' did not finish within ${timeoutMs} ms`, { details: { timeoutMs } });
      controller?.abort(error);
      stop?.(error);
    };
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(expire, timeoutMs);
    let suspended = false;
    const suspendDeadline = (): (() => void) => {
      if (suspended) return () => {};
      suspended = true;
      clearTimeout(timer);
      return () => {
        if (!suspended) return;
        suspended = false;
        clearTimeout(timer);
        timer = setTimeout(expire, timeoutMs);
      };
    };
    const toolContext: ToolContext = {
      get signal(): AbortSignal {
        controller ??= new AbortController();
        return controller.signal;
      },
      sessionId: context.sessionId,
      callId: call.id,
      principal: context.principal,
      ...(ready.capabilities ? { capabilities: ready.capabilities } : {}),
      ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
      reportResources: (reported) => Object.assign(usage, reported),
      reportProgress: (reported) =>
        void context.emit({
          type: 'tool.progress',
          step: context.step,
          callId: call.id,
          name: call.name,
          progress: reported.progress,
          ...(reported.total !== undefined ? { total: reported.total } : {}),
          ...(reported.message !== undefined ? { message: reported.message } : {}),
        }),
      suspendDeadline,
      ...(context.requestInput
        ? { elicit: elicitPerson({ call, step: context.step, signal: turn, emit: context.emit, requestInput: context.requestInput, suspendDeadline }) }
        : {}),
    };
    const { sample } = context;
    if (sample) toolContext.sample = (request) => sample(request, { step: context.step, callId: call.id, signal: toolContext.signal, emit: context.emit });
    try {
      let execution: Promise<unknown>;
      try {
        execution = Promise.resolve(tool.execute(args, toolContext));
      } catch (error) {
        execution = Promise.reject(error);
      }
      return await Promise.race([execution, ended]);
    } finally {
      suspended = true;
      clearTimeout(timer);
      turn.removeEventListener('abort', onTurnAbort);
    }
  }

  private failure(call: ToolCall, error: unknown, durationMs: number): ToolResult {
    const serialized = toolError(error);
    return { callId: call.id, name: call.name, ok: false, error: serialized, output: JSON.stringify({ error: serialized }), durationMs };
  }

  private render(value: unknown): string {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
    if (text.length <= this.maxOutputChars) return text;
    return `${text.slice(0, this.maxOutputChars)}\n[output truncated: ${text.length} characters in all]`;
  }
}

function toolError(error: unknown): SerializedError {
  if (AgentboxError.isInstance(error)) return error.toJSON();
  // A plain throw from a tool is the tool's own failure, not ours.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'TOOL_FAILED', message };
}

function completedEvent(result: ToolResult, step: number, usage: { cpuMs?: number; peakMemoryBytes?: number }): EventPayload {
  const resources: ToolResourceUsage = { wallMs: result.durationMs };
  if (usage.cpuMs !== undefined) resources.cpuMs = usage.cpuMs;
  if (usage.peakMemoryBytes !== undefined) resources.peakMemoryBytes = usage.peakMemoryBytes;
  return {
    type: 'tool.completed',
    step,
    callId: result.callId,
    name: result.name,
    ok: result.ok,
    output: result.output,
    ...(result.ok ? {} : { error: result.error }),
    durationMs: result.durationMs,
    resources,
  };
}
