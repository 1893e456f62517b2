/**
 * Types for the part of autocannon's programmatic API the benchmark uses. autocannon ships no
 * types and @types/autocannon is not a dependency; `bench` is type-checked with the rest of the
 * repo, so this declaration keeps `npm run typecheck` strict.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second across all connections (autocannon spreads it over them). */
      overallRate?: number;
      /** Stop after this many requests (across all connections) instead of after `duration`. */
      amount?: number;
      /** Seconds a request may take before it counts as a timeout (default 10). */
      timeout?: number;
      /** Cycled in order by every connection; entries without setupRequest are prebuilt once. */
      requests?: Request[];
      headers?: Record<string, string>;
      title?: string;
    }

    /** hdr-histogram-percentiles-obj: latencies in ms, requests and throughput per second. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total?: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      pipelining: number;
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram & { totalCount: number };
      requests: Histogram & { total: number; sent: number };
      throughput: Histogram;
    }
  }

  /**
   * Without a callback autocannon returns its tracker: an EventEmitter that is also thenable.
   * 'response' fires for every response with the latency autocannon measured (ms, from hrtime).
   */
  interface Instance extends PromiseLike<autocannon.Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
  }

  function autocannon(options: autocannon.Options): Instance;
  export default autocannon;
}
