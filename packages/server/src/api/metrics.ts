import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, on their own registry (so tests can create several). */
export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
  readonly signatures: Counter<'key' | 'algorithm'>;
  readonly decisions: Counter<'effect'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'signet_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'signet_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    signatures: new Counter({
      name: 'signet_signatures_total',
      help: 'Signatures made',
      labelNames: ['key', 'algorithm'],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'signet_decisions_total',
      help: 'Policy decisions',
      labelNames: ['effect'],
      registers: [registry],
    }),
  };
}
