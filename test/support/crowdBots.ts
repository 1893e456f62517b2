/**
 * A crowd of native bots in one channel, spread over bot processes (crowdProcess.ts): one speaker
 * publishes audio and every other bot subscribes to it. Used by the crowd test and bench/rtc/crowd.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { PeerEngine } from './botMedia.ts';
import type { CrowdOrder, CrowdReport } from './crowdProcess.ts';

const CROWD_PROCESS = path.resolve(import.meta.dirname, 'crowdProcess.ts');

export interface CrowdOptions {
  url: string;
  appId: string;
  appCertificate: string;
  channel: string;
  listeners: number;
  /** Bots per process (FIELD-NOTES: one process cannot hold 150). */
  perProcess?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Listeners publish audio too (two negotiations per join). */
  listenersPublish?: boolean;
  /** The listeners' WebRTC stack (crowdProcess.ts): wrtc (default) or werift. */
  engine?: PeerEngine;
  /** CPUs the bot processes run on (`taskset -c` list), so that they do not starve the server measured. */
  cpus?: string;
  /** Called when the speaker is in and every listener process has loaded, just before the listeners start joining. */
  onListenersGo?: () => void;
}

export interface Crowd {
  /** Listeners connected with audio flowing. */
  connected: number;
  /** ms from start to each listener's first audio packet, sorted. */
  readyMs: number[];
  /** ms from each listener's own join to its first audio packet, sorted. */
  joinToAudioMs: number[];
  errors: string[];
  /** Makes every bot leave and waits for the processes to end. */
  leave(): Promise<void>;
}

const SPEAKER_UID = 1;

interface BotProcess {
  child: ChildProcess;
  /** Settles once the process has loaded and waits for its go. */
  ready: Promise<void>;
  /** Starts its bots joining. */
  go(): void;
  report: Promise<CrowdReport>;
}

function start(order: CrowdOrder, cpus: string | undefined): BotProcess {
  const command = cpus === undefined ? [process.execPath, CROWD_PROCESS] : ['taskset', '-c', cpus, process.execPath, CROWD_PROCESS];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.write(`${JSON.stringify(order)}\n`);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bot process exited with ${code}`))));
  // Its first line says it has loaded; its second is the report.
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const line = () => Promise.race([lines.next().then((next) => (next.done ? exited : next.value)), exited]);
  const ready = line().then(() => undefined);
  const report = ready.then(line).then((text) => JSON.parse(text) as CrowdReport);
  // Whichever the caller never awaits must not become an unhandled rejection.
  ready.catch(() => {});
  report.catch(() => {});
  return { child, ready, go: () => child.stdin!.write('go\n'), report };
}

/** Starts the processes' bots together once every one of them has loaded (crowdProcess.ts says why). */
async function goTogether(processes: BotProcess[], beforeGo?: () => void): Promise<CrowdReport[]> {
  await Promise.all(processes.map((bots) => bots.ready));
  beforeGo?.();
  for (const bots of processes) bots.go();
  return Promise.all(processes.map((bots) => bots.report));
}

export async function startCrowd(options: CrowdOptions): Promise<Crowd> {
  const base = { url: options.url, appId: options.appId, appCertificate: options.appCertificate, channel: options.channel, speakerUid: SPEAKER_UID };
  const timing = { concurrency: options.concurrency ?? 4, timeoutMs: options.timeoutMs ?? 30_000 };
  const speaker = start({ ...base, ...timing, uids: [], speaker: true }, options.cpus);
  const processes = [speaker];
  const leave = async () => {
    await Promise.all(
      processes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin!.end();
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  };
  try {
    await goTogether([speaker]);
    const perProcess = options.perProcess ?? 50;
    const listeners: BotProcess[] = [];
    for (let first = 0; first < options.listeners; first += perProcess) {
      const uids = Array.from({ length: Math.min(perProcess, options.listeners - first) }, (_, i) => SPEAKER_UID + 1 + first + i);
      listeners.push(start({ ...base, ...timing, uids, listenersPublish: options.listenersPublish, engine: options.engine }, options.cpus));
    }
    processes.push(...listeners);
    const reports = await goTogether(listeners, options.onListenersGo);
    return {
      connected: reports.reduce((sum, report) => sum + report.connected, 0),
      readyMs: reports.flatMap((report) => report.readyMs).sort((a, b) => a - b),
      joinToAudioMs: reports.flatMap((report) => report.joinToAudioMs).sort((a, b) => a - b),
      errors: reports.flatMap((report) => report.errors),
      leave,
    };
  } catch (error) {
    await leave();
    throw error;
  }
}
