/** One finished HTTP request, labelled by its route pattern (never the raw path: bounded cardinality). */
export interface RequestSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/** Records finished requests of one method and route. */
export type RequestObserver = (status: number, seconds: number) => void;

/**
 * What the app reports and serves at `/metrics`. The Node service implements it with
 * prom-client (src/node/prometheus-metrics.ts); the app itself stays portable.
 */
export interface ServerMetrics {
  observeRequest(sample: RequestSample): void;
  /**
   * Optional fast path: an observer for one method and route, resolved once when the route
   * is registered, so a request costs no label object and no lookup by name. The app falls
   * back to `observeRequest` where it is missing.
   */
  requestObserver?(method: string, route: string): RequestObserver;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}
