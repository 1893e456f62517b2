/**
 * The Monitoring guide's metric tables, from the metric families a real server exposes: Parley's
 * own (HTTP, SFU, session writes) first, then the Node.js process metrics prom-client collects
 * under the same `parley_` prefix.
 */
import type { MetricFamily } from './prometheusText.ts';
import { text } from './mdx.ts';

/** prom-client's default metrics: the process and its runtime rather than Parley's work. */
export function isRuntimeMetric(family: MetricFamily): boolean {
  return /^parley_(process|nodejs)_/.test(family.name);
}

function table(families: readonly MetricFamily[]): string {
  const rows = families.map((family) => {
    const help = text(family.help).replace(/\.?$/, '.');
    const labels = family.labels.length > 0 ? ` Labels: ${family.labels.map((label) => `\`${label}\``).join(', ')}.` : '';
    return `| \`${family.name}\` | ${family.type} | ${help}${labels} |`;
  });
  return ['| Metric | Type | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Two MDX tables (Parley's metrics, then the runtime's), in the order the server exposes them. */
export function metricsTables(families: readonly MetricFamily[]): { parley: string; runtime: string } {
  return {
    parley: table(families.filter((family) => !isRuntimeMetric(family))),
    runtime: table(families.filter(isRuntimeMetric)),
  };
}
