/**
 * The HTTP request-duration histogram (`parley_http_request_duration_seconds`, by method, route
 * and status), counted on the request path in plain numbers and handed to prom-client's registry
 * when Prometheus scrapes.
 *
 * Why not prom-client's Histogram on the request path: its `observe` (also through `labels()`)
 * validates the label set, joins it into a string and looks that string up on every call. With it an
 * authenticated GET took 153,600 instructions (median of three alternated runs), with this 147,200
 * (`npm run bench:api:instructions -- --servers parley --windows 3`). Here a request finds its
 * series through maps keyed by the route's own URL string, the method string and the status
 * number, and adds one to a bucket. What Prometheus reads is the same: the registry prints these
 * series as it prints a Histogram's (requestDurations.test.ts compares the two texts).
 */
import type { Metric, Registry } from 'prom-client';

type Label = 'method' | 'route' | 'status_code';
type Labels = Record<Label, string | number>;

interface Series {
  labels: Labels;
  /** Observations per bucket, not cumulative; the last counts those above every bound. */
  counts: number[];
  sum: number;
}

/** What the registry reads from a metric, in the shape of prom-client's Histogram#get() result. */
interface Exported {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Array<{ labels: Partial<Labels> & { le?: number | '+Inf' }; value: number; metricName: string }>;
}

export interface RequestDurationsOptions {
  name: string;
  help: string;
  /** Upper bounds in seconds, ascending. */
  buckets: number[];
  registry: Registry;
}

export class RequestDurations {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #bounds: number[];
  readonly #series = new Map<string, Map<string, Map<number, Series>>>();

  constructor({ name, help, buckets, registry }: RequestDurationsOptions) {
    this.name = name;
    this.help = help;
    this.#bounds = [...buckets];
    // The registry asks a metric for get() and reset() only; it types its metrics as prom-client's own.
    registry.registerMetric(this as unknown as Metric);
  }

  /** One request of `method` on `route` answered `status` after `seconds`. */
  observe(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.#series.get(route);
    if (!byMethod) this.#series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) byStatus.set(status, (series = { labels: { method, route, status_code: status }, counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0 }));
    const bounds = this.#bounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += seconds;
  }

  /**
   * The series as prom-client's Histogram exports them: cumulative buckets, +Inf, sum and count,
   * `le` first as it prints it.
   */
  async get(): Promise<Exported> {
    const values: Exported['values'] = [];
    for (const byMethod of this.#series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum } of byStatus.values()) {
          let cumulative = 0;
          this.#bounds.forEach((bound, i) => {
            cumulative += counts[i]!;
            values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
          });
          const count = cumulative + counts[this.#bounds.length]!;
          values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
          values.push({ labels: { ...labels }, value: sum, metricName: `${this.name}_sum` });
          values.push({ labels: { ...labels }, value: count, metricName: `${this.name}_count` });
        }
      }
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.#series.clear();
  }
}
