/**
 * `npm run bench:cluster`: what running as a cluster costs and how fast it recovers, on three
 * `parley serve` processes sharing PostgreSQL and Redis on this machine (test/support/cluster.ts).
 *
 * 1. Join → first frame through the channel's node against through another node, which answers
 *    `redirect` (joinOverhead.ts): the price of reaching the wrong node first.
 * 2. Failover (failover.ts): the channel's node is killed (kill -9) during a call between two
 *    Chromium tabs; the time until each tab decodes video again through another node.
 *
 * Options: --trials 10 (join trials each way)  --failovers 3
 * Writes bench/results/cluster-<time>.json and bench/results/cluster-latest.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from '../../test/support/cluster.ts';
import { cascadeHop, type HopPath } from './cascadeHop.ts';
import { failoverTrials, type FailoverTrial } from './failover.ts';
import { joinOverhead, type JoinTrial } from './joinOverhead.ts';

const { values: args } = parseArgs({
  options: { trials: { type: 'string', default: '10' }, failovers: { type: 'string', default: '3' }, 'hop-samples': { type: 'string', default: '300' } },
  strict: true,
});
const TRIALS = Number(args.trials);
const FAILOVERS = Number(args.failovers);
const HOP_SAMPLES = Number(args['hop-samples']);
for (const [name, value] of [['trials', TRIALS], ['failovers', FAILOVERS], ['hop-samples', HOP_SAMPLES]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '—');
const ms1 = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');

const started = Date.now();
const cluster = await startCluster(3);
let joins: JoinTrial[];
let failovers: FailoverTrial[];
try {
  log(`Cluster of ${cluster.nodes.length} nodes up; join trials (${TRIALS} each way)…`);
  joins = await joinOverhead(cluster, TRIALS);
  log(`Failover trials (${FAILOVERS})…`);
  failovers = await failoverTrials(cluster, FAILOVERS);
} finally {
  await cluster.close();
}
// Its own cluster: cascading needs PARLEY_CHANNEL_NODE_CAP, which the joins above must not have.
log(`Cascading hop latency (${HOP_SAMPLES} frames per path)…`);
const hop = await cascadeHop(HOP_SAMPLES);

const joinRows = (['direct', 'redirected'] as const).map((pathName) => {
  const trials = joins.filter((trial) => trial.path === pathName);
  const totals = trials.flatMap((trial) => (trial.totalMs === null ? [] : [trial.totalMs]));
  const joined = trials.flatMap((trial) => (trial.timeline.joined === undefined ? [] : [trial.timeline.joined]));
  return { path: pathName, ok: totals.length, of: trials.length, median: percentile(totals, 50), p90: percentile(totals, 90), joinedMedian: percentile(joined, 50), errors: trials.flatMap((trial) => (trial.error ? [trial.error] : [])) };
});
const redirectCost = joinRows[1]!.median - joinRows[0]!.median;
const hopRows = (['local', 'same node', 'cascaded'] as const satisfies readonly HopPath[]).map((pathName) => {
  const samples = hop.samples[pathName];
  const receiver = pathName === 'local' ? null : hop.receivers[pathName];
  return { path: pathName, samples: samples.length, failed: hop.failedDecodes[pathName], decoded: hop.decoded[pathName], median: percentile(samples, 50), p90: percentile(samples, 90), min: Math.min(...samples), longestGapMs: hop.longestGapMs[pathName], sdkFramesDecoded: receiver?.framesDecoded ?? null, sdkFreezes: receiver?.freezeCount ?? null, videos: hop.videosSeen[pathName], rearms: hop.rearms[pathName] };
});
const hopCost = hopRows[2]!.median - hopRows[1]!.median;
const recovered = failovers.flatMap((trial) => trial.recoveredMs.filter((value): value is number => value !== null));

const date = new Date().toISOString();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const markdown = [
  '# Cluster benchmark: latest run',
  '',
  `${date}, commit ${commit}; took ${Math.round((Date.now() - started) / 1000)} s. Run: \`npm run bench:cluster -- --trials ${TRIALS} --failovers ${FAILOVERS} --hop-samples ${HOP_SAMPLES}\`.`,
  `Machine: ${machine}. Three \`parley serve\` processes, PostgreSQL, Redis, the bots and Chromium all share it.`,
  '',
  '## Join → first frame: the channel\'s node, or another node and a redirect',
  '',
  'A bot publishes 640×480 video; fresh bots join (through the channel\'s node, or through another node that answers `redirect`),',
  'subscribe, and wait for their first decoded frame; the two ways take turns, after one warm-up trial each.',
  '',
  '| path | trials | first frame median | p90 | `joined` median |',
  '|---|---:|---:|---:|---:|',
  ...joinRows.map((row) => `| ${row.path} | ${row.ok}/${row.of} | ${ms(row.median)} | ${ms(row.p90)} | ${ms(row.joinedMedian)} |`),
  '',
  `The redirect itself (one more WebSocket and token check, on loopback) adds **${ms(joinRows[1]!.joinedMedian - joinRows[0]!.joinedMedian)}** to \`joined\`; the first-frame medians differ by ${ms(redirectCost)}, which is mostly the wait for a keyframe, noisy from trial to trial.`,
  '',
  '## Failover: kill -9 of the channel\'s node → video again',
  '',
  'Two Chromium tabs in a call (the SDK given all three nodes with `setServer([...])`); the node hosting the channel is killed',
  'with SIGKILL; measured in each tab from the kill to the first frame decoded again from the other tab.',
  '',
  '| trial | tab A | tab B | states seen |',
  '|---:|---:|---:|---|',
  ...failovers.map((trial, index) => `| ${index + 1} | ${ms(trial.recoveredMs[0] ?? NaN)} | ${ms(trial.recoveredMs[1] ?? NaN)} | ${trial.states.join(' → ')} |`),
  '',
  `Median ${ms(percentile(recovered, 50))}, worst ${ms(Math.max(...recovered))} (goal: within 10 s).`,
  '',
  '## Cascading: glass-to-glass latency, same node against one relay hop',
  '',
  `A separate cluster with \`PARLEY_CHANNEL_NODE_CAP=2\`: a publisher tab; a second tab holds two subscribing clients side by side, one on the channel's node,`,
  `one placed on another node (participants per node, the channel's first: ${hop.carried.join(', ')}) and fed over one relay connection. The publisher draws the time (40 bits + CRC-8 in 80×80 blocks)`,
  'on a 640×480 canvas every frame and publishes `captureStream(30)`; each subscriber decodes every frame its <video> presents (`requestVideoFrameCallback`),',
  `latency = now − drawn time. ${ms(hop.warmupMs)} warm-up per path; frames failing the CRC are dropped. "local": the publisher plays its own captured canvas through the same decoder`,
  `(capture and presentation, no codec or network; it plays in the publisher's own busy tab, so it is no floor). Decoder check: ${hop.selfCheck.exact}/${hop.selfCheck.checked} of the publisher's canvases read back exactly; the tabs' clocks agree within ${hop.clockSpreadMs} ms.`,
  '',
  '| path | samples | CRC failed / decoded | median | p90 | min | longest gap | <video>s | rVFC re-armed | SDK: frames decoded, freezes |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...hopRows.map((row) => `| ${row.path} | ${row.samples} | ${row.failed}/${row.decoded} | ${ms1(row.median)} | ${ms1(row.p90)} | ${ms1(row.min)} | ${ms(row.longestGapMs)} | ${row.videos} | ${row.rearms} | ${row.sdkFramesDecoded === null ? '—' : `${row.sdkFramesDecoded}, ${row.sdkFreezes}`} |`),
  '',
  `One relay hop costs **${ms1(hopCost)}** (difference of medians, cascaded − same node), on loopback between processes of one 2-core machine.`,
  '',
].join('\n');

const resultsDir = path.resolve(import.meta.dirname, '../results');
const jsonName = `cluster-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`;
fs.writeFileSync(path.join(resultsDir, jsonName), JSON.stringify({ date, commit, machine, trials: TRIALS, joins, failovers, cascadeHop: { rows: hopRows, hopCostMs: hopCost, ...hop } }, null, 2));
fs.writeFileSync(path.join(resultsDir, 'cluster-latest.md'), markdown);
log(`\n${markdown}\nWrote bench/results/${jsonName} and bench/results/cluster-latest.md`);
// The native WebRTC module can crash while the process tears its objects down; the results are written.
process.exit(0);
