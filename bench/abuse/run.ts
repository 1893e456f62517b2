/**
 * `npm run bench:abuse`: how well `parley serve` keeps answering while clients attack its
 * signaling. Measures /healthz latency from this process (the server runs in its own) three ways
 * in one run: idle (the baseline), while clients send offers with hundreds of media sections, and
 * while sockets flood it with messages; prints p50/p99/max and each ratio to the baseline, and
 * writes bench/results/abuse-latest.md plus a JSON file.
 *
 * `PARLEY_BENCH_BIN=/path/to/parley.js` measures another build (an older checkout) the same way.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRtcToken } from '@parley/token';
import { RawSignalingSocket } from '../../test/support/rawSignaling.ts';

const BIN = process.env.PARLEY_BENCH_BIN ?? path.resolve(import.meta.dirname, '../../packages/server/bin/parley.js');
const PORT = 31000 + Math.floor(Math.random() * 1000);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const IDLE_MS = 3_000;
const OFFER_ROUNDS = 5;
const OFFERS_PER_ROUND = 4;
const FLOOD_SOCKETS = 5;
const FLOOD_MESSAGES = 20_000;
/** 400 media sections in under 16 KB: fits any size bound, costs werift dearly to parse. */
const SECTIONS_OFFER = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n' + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:x\r\n'.repeat(400);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Latencies {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

function summarize(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

async function healthzWhile(work: Promise<unknown>): Promise<Latencies> {
  let done = false;
  void work.finally(() => (done = true)).catch(() => {});
  const values: number[] = [];
  while (!done) {
    const started = performance.now();
    await (await fetch(`${URL_BASE}/healthz`)).text();
    values.push(performance.now() - started);
    await sleep(5);
  }
  return summarize(values);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-abuse-'));
  const project = JSON.parse(execFileSync(process.execPath, [BIN, 'project', 'create', '--name', 'Bench', '--plan', 'enterprise', '--json', '--data-dir', dataDir], { encoding: 'utf8' }));
  const server = spawn(process.execPath, [BIN, 'serve', '--port', String(PORT), '--data-dir', dataDir], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent', PARLEY_RTC_UDP_PORT: 'range', PARLEY_RTC_PORT_MIN: '47300', PARLEY_RTC_PORT_MAX: '47399' },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; !(await fetch(`${URL_BASE}/healthz`).catch(() => undefined))?.ok; i += 1) {
      if (i > 100) throw new Error('parley serve did not start');
      await sleep(100);
    }
    const token = (uid: number) => buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'bench', uid, role: 'publisher', tokenExpireSeconds: 600 });
    const join = async (uid: number) => {
      const socket = await RawSignalingSocket.open(URL_BASE);
      await socket.request({ type: 'join', appId: project.appId, channel: 'bench', uid, token: token(uid) });
      return socket;
    };

    const idle = await healthzWhile(sleep(IDLE_MS));

    let offerReplies = 0;
    const offersStarted = performance.now();
    const offers = await healthzWhile(
      (async () => {
        for (let round = 0; round < OFFER_ROUNDS; round += 1) {
          // A fresh uid each round: the same uid rejoining, as an attacker would, replaces the socket.
          const socket = await join(100 + round);
          for (let i = 0; i < OFFERS_PER_ROUND; i += 1) {
            await socket.request({ type: 'publish-offer', sdp: SECTIONS_OFFER, tracks: [] }, 120_000).catch(() => undefined);
            offerReplies += 1;
          }
          socket.close();
        }
      })(),
    );
    const offersSeconds = (performance.now() - offersStarted) / 1000;

    const flood = await healthzWhile(
      (async () => {
        const sockets = await Promise.all(Array.from({ length: FLOOD_SOCKETS }, (_, i) => join(200 + i)));
        const perSocket = Math.floor(FLOOD_MESSAGES / FLOOD_SOCKETS);
        for (let i = 0; i < perSocket; i += 1) for (const socket of sockets) socket.send(i % 2 ? { type: 'ping' } : { type: 'mute', kind: 'audio', muted: i % 4 === 0 });
        await Promise.race([Promise.all(sockets.map((socket) => socket.closed)), sleep(5_000)]);
        for (const socket of sockets) socket.close();
      })(),
    );

    const rows = [
      ['idle (baseline)', idle],
      [`${OFFER_ROUNDS * OFFERS_PER_ROUND} offers of 400 media sections`, offers],
      [`${FLOOD_MESSAGES} messages from ${FLOOD_SOCKETS} sockets`, flood],
    ] as const;
    const lines = [
      `# Signaling abuse: /healthz latency while attacked`,
      '',
      `Build: \`${path.relative(process.cwd(), BIN)}\`; ${os.cpus().length} cores; ${new Date().toISOString()}. Offers answered in ${offersSeconds.toFixed(1)} s (${offerReplies} replies).`,
      '',
      '| while | samples | p50 ms | p99 ms | max ms | max / idle max |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(([label, l]) => `| ${label} | ${l.samples} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.max.toFixed(1)} | ${(l.max / idle.max).toFixed(1)}× |`),
    ];
    console.log(lines.join('\n'));
    const resultsDir = path.resolve(import.meta.dirname, '../results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
    fs.writeFileSync(path.join(resultsDir, `abuse-${stamp}.json`), JSON.stringify({ bin: BIN, offersSeconds, idle, offers, flood }, null, 2));
    if (!process.env.PARLEY_BENCH_BIN) fs.writeFileSync(path.join(resultsDir, 'abuse-latest.md'), lines.join('\n') + '\n');
  } finally {
    server.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
