/**
 * Reads Prometheus's text exposition format (what GET /metrics answers) back into metric
 * families: name, type, help and the label names seen on its samples. Only what the docs need.
 */

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  /** Label names of its samples, in first-seen order; `le` and `quantile` (bucket bounds) left out. */
  labels: string[];
}

const BOUND_LABELS = new Set(['le', 'quantile']);
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/;
const LABEL_NAME = /([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g;

/** The family a sample belongs to: histograms and summaries add suffixes to their family's name. */
function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  if (families.has(sampleName)) return families.get(sampleName);
  const base = sampleName.replace(/_(bucket|sum|count|created)$/, '');
  return families.get(base);
}

/** Unescapes HELP text: `\\` and `\n` are its only escapes. */
function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_match, char: string) => (char === 'n' ? '\n' : '\\'));
}

export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: 'untyped', help: '', labels: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (kind === 'HELP') family(name).help = unescapeHelp(rest);
      else family(name).type = rest;
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const owner = familyOf(sample[1] as string, families);
    if (!owner) continue;
    for (const [, label] of (sample[2] ?? '').matchAll(LABEL_NAME)) {
      if (label && !BOUND_LABELS.has(label) && !owner.labels.includes(label)) owner.labels.push(label);
    }
  }
  return [...families.values()];
}
