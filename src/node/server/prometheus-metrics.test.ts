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
