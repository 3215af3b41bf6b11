/** One finished HTTP request, labelled by its route pattern (never the raw path: bounded cardinality). */
export interface RequestSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/**
 * What the app reports and serves at `/metrics`. The Node service implements it with
 * prom-client (src/node/prometheus-metrics.ts); the app itself stays portable.
 */
export interface ServerMetrics {
  observeRequest(sample: RequestSample): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}
