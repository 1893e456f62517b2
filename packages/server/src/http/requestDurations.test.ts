import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestDurations } from './requestDurations.ts';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const NAME = 'parley_http_request_duration_seconds';
const HELP = 'HTTP request duration by route and status';

/** The same observations into prom-client's own Histogram and into RequestDurations, as /metrics prints them. */
async function bothTexts(observations: Array<[route: string, method: string, status: number, seconds: number]>): Promise<[string, string]> {
  const reference = new Registry();
  const histogram = new Histogram({ name: NAME, help: HELP, labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS, registers: [reference] });
  const ours = new Registry();
  const durations = new RequestDurations({ name: NAME, help: HELP, buckets: BUCKETS, registry: ours });
  for (const [route, method, status, seconds] of observations) {
    histogram.observe({ method, route, status_code: status }, seconds);
    durations.observe(route, method, status, seconds);
  }
  return [await reference.metrics(), await ours.metrics()];
}

/** Series may come in another order (Prometheus reads them as a set); the help and type lines first. */
const lines = (text: string) => {
  const [help, type, ...series] = text.split('\n');
  return [help, type, ...series.sort()];
};

describe('RequestDurations', () => {
  it('prints what prom-client\'s Histogram prints for the same requests: buckets, +Inf, sum and count per series', async () => {
    const observations: Array<[string, string, number, number]> = [];
    // Every bucket, the bounds themselves (le is "less or equal"), above the last, and several series interleaved.
    for (const seconds of [0, 0.0004, 0.001, 0.0011, 0.003, 0.009, 0.01, 0.04, 0.2, 0.7, 1, 2.5, 3, 60]) {
      observations.push(['/v1/projects/:projectId/channels/:channel', 'GET', 200, seconds]);
      observations.push(['/healthz', 'GET', 200, seconds / 2]);
      observations.push(['/v1/projects/:projectId/channels/:channel', 'GET', 429, seconds * 3]);
    }
    observations.push(['unmatched', 'POST', 404, 0.002], ['/v1/projects/:projectId/rtc/channels', 'POST', 201, 0.02]);
    const [reference, ours] = await bothTexts(observations);
    expect(ours).toContain(`${NAME}_bucket{le="0.001",method="GET",route="/healthz",status_code="200"} 4`);
    expect(lines(ours)).toEqual(lines(reference));
  });

  it('prints the help and type alone before any request, and forgets every series when the registry resets', async () => {
    const [reference, ours] = await bothTexts([]);
    expect(ours).toBe(reference);
    const registry = new Registry();
    const durations = new RequestDurations({ name: NAME, help: HELP, buckets: BUCKETS, registry });
    durations.observe('/healthz', 'GET', 200, 0.001);
    expect(await registry.metrics()).toContain(`${NAME}_count{method="GET",route="/healthz",status_code="200"} 1`);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain(`${NAME}_count`);
  });
});
