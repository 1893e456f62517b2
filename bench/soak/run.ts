/**
 * Memory over a long call with joins and leaves: `npm run bench:soak -- [--minutes 10]
 * [--warmup-minutes 1] [--steady 4] [--churn-every 3] [--heap-snapshots DIR]`. A Parley server with default settings
 * runs in this process (started with --expose-gc); the call's bots run in another (callBots.ts):
 * a few steady participants publishing and watching each other the whole time, and a participant
 * joining every few seconds who publishes, subscribes, stays and leaves.
 *
 * Every 30 s the server's heap is measured after a full garbage collection, with its RSS. The
 * run fails (exit code 1, "LEAK") when the heap at the end of the call exceeds the heap after the
 * warm-up by more than 10%, both measured mid-call (like with like). Also reported: the idle
 * server's heap and RSS before the call and once everyone left. Results go to
 * bench/results/soak-<date>.json and soak-latest.md (the participants' RSS cost is bench:joins').
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { startInProcessServer } from '../rtc/inProcessServer.ts';
import type { SoakOrder } from './callBots.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'warmup-minutes': { type: 'string', default: '1' },
    steady: { type: 'string', default: '4' },
    'churn-every': { type: 'string', default: '3' },
    'churn-stay': { type: 'string', default: '6' },
    'heap-snapshots': { type: 'string' },
  },
  strict: true,
});
const MINUTES = Number(values.minutes);
const WARMUP_MINUTES = Number(values['warmup-minutes']);
const STEADY = Number(values.steady);
const CHURN_EVERY = Number(values['churn-every']);
const CHURN_STAY = Number(values['churn-stay']);
const SNAPSHOT_DIR = values['heap-snapshots'];
const ALLOWED_GROWTH = 0.1;
const SAMPLE_MS = 30_000;
const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:soak does)');

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
function measure(): { heapMiB: number; rssMiB: number } {
  gc!();
  gc!();
  const usage = process.memoryUsage();
  return { heapMiB: mib(usage.heapUsed), rssMiB: mib(usage.rss) };
}

interface Sample {
  minute: number;
  heapMiB: number;
  rssMiB: number;
  participants: number;
  joins: number;
}

/**
 * With --heap-snapshots DIR, writes the server's heap after the warm-up and once everyone left, for
 * the DevTools Memory tab's comparison view: what a leak keeps shows as objects added in between.
 * Writing one stops this process for a few seconds, the SFU with it.
 */
let snapshotTaken = false;
function snapshot(name: string): boolean {
  if (!SNAPSHOT_DIR) return false;
  fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const file = v8.writeHeapSnapshot(path.join(SNAPSHOT_DIR, `${name}.heapsnapshot`));
  process.stdout.write(`wrote ${file}\n`);
  return true;
}

const { server, close } = await startInProcessServer('soak');
const samples: Sample[] = [];
let botReport = { joins: 0, leaves: 0, errors: 0, firstErrors: [] as string[], final: false };
const participants = () => server.services.rtc.load().participants;
const project = await server.services.projects.createProject({ name: 'soak-bench', plan: 'enterprise' });
const idle = measure();
try {
  const order: SoakOrder = { url: server.url, appId: project.appId, appCertificate: project.appCertificate, channel: 'soak', steady: STEADY, churnEverySeconds: CHURN_EVERY, churnStaySeconds: CHURN_STAY, seconds: MINUTES * 60 };
  const bots = spawn(process.execPath, [path.join(import.meta.dirname, 'callBots.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  bots.stdin.write(`${JSON.stringify(order)}\n`);
  const finished = new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: bots.stdout }).on('line', (line) => {
      botReport = JSON.parse(line);
      if (botReport.final) resolve();
    });
    bots.once('exit', (code) => (botReport.final ? resolve() : reject(new Error(`the bots' process exited with ${code}`))));
  });
  const started = Date.now();
  const sampler = setInterval(() => {
    const sample = { minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10, ...measure(), participants: participants(), joins: botReport.joins };
    samples.push(sample);
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    if (sample.minute >= WARMUP_MINUTES && !snapshotTaken) snapshotTaken = snapshot('after-warmup');
  }, SAMPLE_MS);
  await finished;
  clearInterval(sampler);
  // The last leaves settle; then the heap of an idle server again.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  samples.push({ minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10, ...measure(), participants: participants(), joins: botReport.joins });
  snapshot('after-call');
} finally {
  await close();
}

// Mid-call samples after the warm-up: the first and the last compare like with like.
const inCall = samples.filter((sample) => sample.minute >= WARMUP_MINUTES && sample.participants > 0);
const afterWarmup = inCall[0];
const end = inCall.at(-1);
if (!afterWarmup || !end || afterWarmup === end) throw new Error('the call was too short for two samples after the warm-up: raise --minutes');
const afterCall = samples.at(-1)!;
const growth = (end.heapMiB - afterWarmup.heapMiB) / afterWarmup.heapMiB;
const leak = growth > ALLOWED_GROWTH;

const date = new Date().toISOString();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const machine = `${os.availableParallelism()} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const resultsDir = path.resolve(import.meta.dirname, '../results');
const jsonName = `soak-${date.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}.json`;
fs.writeFileSync(path.join(resultsDir, jsonName), JSON.stringify({ date, commit, machine, minutes: MINUTES, warmupMinutes: WARMUP_MINUTES, steady: STEADY, churnEverySeconds: CHURN_EVERY, churnStaySeconds: CHURN_STAY, idle, afterCall, samples, bots: botReport, growth, leak }, null, 2));
const markdown = [
  '# Soak benchmark: latest run',
  '',
  `${date}, commit ${commit}. Run: \`npm run bench:soak -- --minutes ${MINUTES} --warmup-minutes ${WARMUP_MINUTES} --steady ${STEADY} --churn-every ${CHURN_EVERY} --churn-stay ${CHURN_STAY}\`.`,
  `Machine: ${machine}; the server and the bots share it.`,
  '',
  `A call of ${STEADY} native bots publishing 160×120 video and audio and watching each other, for ${MINUTES} minutes; every ${CHURN_EVERY} s another bot`,
  `joins, publishes audio, subscribes to a steady bot's video, stays ${CHURN_STAY} s and leaves (${botReport.joins} joins and ${botReport.leaves} leaves in all, ${botReport.errors} errors).`,
  `The server's heap is measured after a full garbage collection every ${SAMPLE_MS / 1000} s; the last sample is taken 5 s after everyone left.`,
  '',
  '| minute | participants | joins so far | heap after GC | RSS |',
  '|---:|---:|---:|---:|---:|',
  ...samples.map((s) => `| ${s.minute} | ${s.participants} | ${s.joins} | ${s.heapMiB} MiB | ${s.rssMiB} MiB |`),
  '',
  `Idle server: heap ${idle.heapMiB} MiB and RSS ${idle.rssMiB} MiB before the call; heap ${afterCall.heapMiB} MiB and RSS ${afterCall.rssMiB} MiB once everyone left.`,
  '',
  `Heap mid-call at minute ${end.minute}: ${end.heapMiB} MiB, against ${afterWarmup.heapMiB} MiB at minute ${afterWarmup.minute}, after the ${WARMUP_MINUTES}-minute warm-up: ${growth >= 0 ? '+' : ''}${Math.round(growth * 1000) / 10}% (allowed: +${ALLOWED_GROWTH * 100}%). **${leak ? 'LEAK' : 'No leak'}.**`,
  botReport.errors > 0 ? `\nBot errors: ${botReport.firstErrors.join('; ')}` : '',
  '',
].join('\n');
fs.writeFileSync(path.join(resultsDir, 'soak-latest.md'), markdown);
process.stdout.write(`${markdown}\nWrote bench/results/${jsonName} and bench/results/soak-latest.md\n`);
process.exit(leak ? 1 : 0);
