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

function start(order: CrowdOrder, cpus: string | undefined): { child: ChildProcess; report: Promise<CrowdReport> } {
  const command = cpus === undefined ? [process.execPath, CROWD_PROCESS] : ['taskset', '-c', cpus, process.execPath, CROWD_PROCESS];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.write(`${JSON.stringify(order)}\n`);
  const report = new Promise<CrowdReport>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as CrowdReport));
    child.once('exit', (code) => reject(new Error(`bot process exited with ${code}`)));
  });
  return { child, report };
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
    await speaker.report;
    const perProcess = options.perProcess ?? 50;
    for (let first = 0; first < options.listeners; first += perProcess) {
      const uids = Array.from({ length: Math.min(perProcess, options.listeners - first) }, (_, i) => SPEAKER_UID + 1 + first + i);
      processes.push(start({ ...base, ...timing, uids, listenersPublish: options.listenersPublish, engine: options.engine }, options.cpus));
    }
    const reports = await Promise.all(processes.slice(1).map(({ report }) => report));
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
