import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventSubscription } from '../../engine/event-bus.js';
import type { AgentEvent } from '../../engine/events.js';
import type { RequestObserver, RequestSample, ServerMetrics } from '../../server/server-metrics.js';

export interface PrometheusMetricsOptions {
  /**
   * All sessions' events, e.g. `runtime.stream({ overflow: 'drop-oldest' })`: metrics are
   * derived from the bus, never by touching the agent loop, and a slow scrape can only lose
   * samples, not slow a turn.
   */
  events: EventSubscription;
  /** Sessions with a turn running. */
  activeSessions: () => number;
  /** Open SSE streams. */
  openStreams: () => number;
  /** Node's default process metrics (event-loop delay, memory, GC, handles). Default true. */
  defaultMetrics?: boolean;
}

export interface PrometheusMetrics extends ServerMetrics {
  readonly registry: Registry;
  requestObserver(method: string, route: string): RequestObserver;
  /** Stops consuming events. */
  close(): void;
}

interface RequestSeries {
  readonly labels: { method: string; route: string; status: string };
  /** Requests not yet added to the counter. */
  pending: number;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `/metrics` for the Node service, with prom-client on a registry of its own. */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  // Per request only the histogram is touched: the request counter is the same count,
  // kept in plain numbers per series and added to the counter when it is scraped.
  const series: RequestSeries[] = [];
  new Counter({
    name: 'agentbox_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers,
    collect() {
      for (const one of series) {
        if (one.pending === 0) continue;
        this.inc(one.labels, one.pending);
        one.pending = 0;
      }
    },
  });
  const requestSeconds = new Histogram({
    name: 'agentbox_http_request_duration_seconds',
    help: 'HTTP request latency until the response starts',
    labelNames: ['method', 'route', 'status'],
    buckets: latencyBuckets,
    registers,
  });
  const llmCalls = new Counter({ name: 'agentbox_llm_calls_total', help: 'LLM calls by model and outcome', labelNames: ['model', 'outcome'], registers });
  const llmTokens = new Counter({
    name: 'agentbox_llm_tokens_total',
    help: 'LLM tokens by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'],
    registers,
  });
  const llmSeconds = new Histogram({
    name: 'agentbox_llm_duration_seconds',
    help: 'LLM call latency',
    labelNames: ['model'],
    buckets: latencyBuckets,
    registers,
  });
  const llmFirstToken = new Histogram({
    name: 'agentbox_llm_time_to_first_token_seconds',
    help: 'LLM time to first token',
    labelNames: ['model'],
    buckets: latencyBuckets,
    registers,
  });
  const toolCalls = new Counter({
    name: 'agentbox_tool_calls_total',
    help: 'Tool calls by tool and outcome (ok or the error code)',
    labelNames: ['tool', 'outcome'],
    registers,
  });
  const toolSeconds = new Histogram({
    name: 'agentbox_tool_duration_seconds',
    help: 'Tool call latency',
    labelNames: ['tool'],
    buckets: latencyBuckets,
    registers,
  });
  const limitHits = new Counter({
    name: 'agentbox_sandbox_limit_hits_total',
    help: 'Tool calls stopped by a sandbox limit (SANDBOX_* or TOOL_TIMEOUT), by code',
    labelNames: ['tool', 'code'],
    registers,
  });
  new Gauge({
    name: 'agentbox_active_sessions',
    help: 'Sessions with a turn running',
    registers,
    collect() {
      this.set(options.activeSessions());
    },
  });
  new Gauge({
    name: 'agentbox_sse_streams',
    help: 'Open Server-Sent Events streams',
    registers,
    collect() {
      this.set(options.openStreams());
    },
  });

  const observe = (event: AgentEvent): void => {
    switch (event.type) {
      case 'llm.completed':
        llmCalls.inc({ model: event.model, outcome: 'ok' });
        llmTokens.inc({ model: event.model, kind: 'prompt' }, event.usage.promptTokens);
        llmTokens.inc({ model: event.model, kind: 'completion' }, event.usage.completionTokens);
        llmSeconds.observe({ model: event.model }, event.durationMs / 1000);
        if (event.timeToFirstTokenMs !== undefined) llmFirstToken.observe({ model: event.model }, event.timeToFirstTokenMs / 1000);
        break;
      case 'llm.failed':
        llmCalls.inc({ model: 'unknown', outcome: String(event.error.code) });
        break;
      // An MCP server's sampling is a model call too; a refused one used no tokens.
      case 'mcp.sampled':
        llmCalls.inc({ model: event.model, outcome: event.error ? String(event.error.code) : 'ok' });
        if (event.error) break;
        llmTokens.inc({ model: event.model, kind: 'prompt' }, event.usage.promptTokens);
        llmTokens.inc({ model: event.model, kind: 'completion' }, event.usage.completionTokens);
        llmSeconds.observe({ model: event.model }, event.durationMs / 1000);
        break;
      case 'tool.completed': {
        const code = event.ok ? 'ok' : String(event.error?.code ?? 'TOOL_FAILED');
        toolCalls.inc({ tool: event.name, outcome: code });
        toolSeconds.observe({ tool: event.name }, event.durationMs / 1000);
        if (code.startsWith('SANDBOX_') || code === 'TOOL_TIMEOUT') limitHits.inc({ tool: event.name, code });
        break;
      }
      default:
        break;
    }
  };
  void (async () => {
    try {
      for await (const event of options.events) observe(event);
    } catch {
      // The bus closed on shutdown.
    }
  })();

  // One observer per (method, route), each with its label sets per status made once.
  const observers = new Map<string, RequestObserver>();
  const requestObserver = (method: string, route: string): RequestObserver => {
    const key = `${method} ${route}`;
    let observer = observers.get(key);
    if (observer) return observer;
    const byStatus = new Map<number, RequestSeries>();
    observer = (status, seconds) => {
      let one = byStatus.get(status);
      if (!one) {
        one = { labels: { method, route, status: String(status) }, pending: 0 };
        byStatus.set(status, one);
        series.push(one);
      }
      one.pending += 1;
      requestSeconds.observe(one.labels, seconds);
    };
    observers.set(key, observer);
    return observer;
  };

  return {
    registry,
    observeRequest(sample: RequestSample) {
      requestObserver(sample.method, sample.route)(sample.status, sample.seconds);
    },
    requestObserver,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    close() {
      options.events.close();
    },
  };
}
