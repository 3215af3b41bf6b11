import { describe, expect, it } from 'vitest';
import { EventBus } from '../../engine/event-bus.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';

const line = (text: string, prefix: string): string | undefined => text.split('\n').find((l) => l.startsWith(prefix));

describe('Prometheus request metrics', () => {
  it('counts each request once per series, across scrapes, the same through both entry points', async () => {
    const metrics = createPrometheusMetrics({ events: new EventBus().subscribe(), activeSessions: () => 0, openStreams: () => 0, defaultMetrics: false });
    try {
      const observe = metrics.requestObserver('GET', '/v1/sessions/:id');
      expect(metrics.requestObserver('GET', '/v1/sessions/:id')).toBe(observe);
      observe(200, 0.002);
      observe(200, 0.02);
      observe(404, 0.001);
      metrics.observeRequest({ method: 'GET', route: '/v1/sessions/:id', status: 200, seconds: 0.003 });
      const first = (await metrics.render()).body;
      const total = 'agentbox_http_requests_total{method="GET",route="/v1/sessions/:id",status="200"}';
      expect(line(first, total)).toBe(`${total} 3`);
      expect(line(first, 'agentbox_http_requests_total{method="GET",route="/v1/sessions/:id",status="404"}')).toMatch(/ 1$/);
      expect(line(first, 'agentbox_http_request_duration_seconds_count{method="GET",route="/v1/sessions/:id",status="200"}')).toMatch(/ 3$/);
      expect(line(first, 'agentbox_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/v1/sessions/:id",status="200"}')).toMatch(/ 1$/);
      const sum = line(first, 'agentbox_http_request_duration_seconds_sum{method="GET",route="/v1/sessions/:id",status="200"}');
      expect(Number(sum?.split(' ')[1])).toBeCloseTo(0.025, 9);
      // A second scrape adds nothing already counted; new requests add up.
      expect(line((await metrics.render()).body, total)).toBe(`${total} 3`);
      observe(200, 0.001);
      expect(line((await metrics.render()).body, total)).toBe(`${total} 4`);
    } finally {
      metrics.close();
    }
  });
});

describe('Prometheus LLM metrics', () => {
  it('counts an MCP server’s sampling as a model call with its tokens; a refused one as a call without', async () => {
    const bus = new EventBus();
    const metrics = createPrometheusMetrics({ events: bus.subscribe(), activeSessions: () => 0, openStreams: () => 0, defaultMetrics: false });
    try {
      const sampled = {
        type: 'mcp.sampled',
        sessionId: 's',
        seq: 1,
        time: 0,
        step: 1,
        callId: 'c',
        server: 'docs',
        model: 'm',
        messages: 1,
        maxTokens: 10,
        text: 'x',
        durationMs: 5,
      } as const;
      await bus.publish({ ...sampled, usage: { promptTokens: 7, completionTokens: 2, totalTokens: 9 } });
      await bus.publish({
        ...sampled,
        seq: 2,
        text: '',
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        error: { code: 'MCP_SAMPLING_REFUSED', message: 'spent' },
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const body = (await metrics.render()).body;
      expect(line(body, 'agentbox_llm_tokens_total{model="m",kind="prompt"}')).toMatch(/ 7$/);
      expect(line(body, 'agentbox_llm_tokens_total{model="m",kind="completion"}')).toMatch(/ 2$/);
      expect(line(body, 'agentbox_llm_calls_total{model="m",outcome="ok"}')).toMatch(/ 1$/);
      expect(line(body, 'agentbox_llm_calls_total{model="m",outcome="MCP_SAMPLING_REFUSED"}')).toMatch(/ 1$/);
    } finally {
      metrics.close();
    }
  });
});
