/**
 * ffmpeg for recordings: found once (the configured path, else `ffmpeg` on PATH),
 * checked for the encoders recordings need, and every process started through here is tracked,
 * so stopping the server kills them all and none outlives a recording.
 *
 * Each process carries `parley-ffmpeg:<label>` as its argv[0], so an operator (and the crash test)
 * can tell Parley's ffmpeg processes from others in `ps`.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export class MediaToolsMissing extends Error {}

const REQUIRED_ENCODERS = ['libx264', 'aac'];

/**
 * The bitstream filter that packaging gives each video frame's duration with (finalize.ts says
 * why). Its NEXT_DTS is not in every ffmpeg that has the encoders, so the check tries it.
 */
export const FRAME_DURATIONS_FILTER = 'setts=duration=NEXT_DTS-DTS';

/** A tenth of a second of H.264 and AAC through that filter: the check's trial of a recording. */
const TRIAL_ARGS = [
  '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=16x16:duration=0.1', '-f', 'lavfi', '-i', 'anullsrc=sample_rate=48000', '-t', '0.1',
  '-c:v', 'libx264', '-bsf:v', FRAME_DURATIONS_FILTER, '-c:a', 'aac', '-f', 'null', '-',
];
const STDERR_TAIL = 2_000;

export class MediaTools {
  #ffmpeg: string;
  #configured: boolean;
  #checked: Promise<void> | undefined;
  #children = new Set<ChildProcess>();

  constructor(paths: { ffmpegPath: string | undefined }) {
    this.#ffmpeg = paths.ffmpegPath ?? 'ffmpeg';
    this.#configured = paths.ffmpegPath !== undefined;
  }

  /**
   * Resolves when ffmpeg runs and has the encoders recordings need; otherwise rejects with what to
   * install or configure. A failed check is repeated next time, so installing ffmpeg needs no restart.
   */
  check(): Promise<void> {
    this.#checked ??= this.#check().catch((error) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  async #check(): Promise<void> {
    const where = this.#configured ? `at ${this.#ffmpeg} (PARLEY_FFMPEG_PATH)` : 'on PATH';
    // One short run of what recordings do proves all of it at once; only a failure needs the
    // encoder list, to say what is missing.
    const failure = await this.#output(this.#ffmpeg, TRIAL_ARGS).then(() => undefined, (error: Error) => error);
    if (!failure) return;
    let encoders: string;
    try {
      encoders = await this.#output(this.#ffmpeg, ['-hide_banner', '-encoders']);
    } catch (error) {
      throw new MediaToolsMissing(`ffmpeg is not available ${where} (${(error as Error).message}): install ffmpeg 5 or newer, or set PARLEY_FFMPEG_PATH`);
    }
    const missing = REQUIRED_ENCODERS.filter((name) => !new RegExp(`^\\s*\\S+\\s+${name}\\s`, 'm').test(encoders));
    if (missing.length > 0) throw new MediaToolsMissing(`ffmpeg ${where} lacks the ${missing.join(' and ')} encoder(s) recordings need`);
    throw new MediaToolsMissing(`ffmpeg ${where} cannot run the bitstream filter recordings need (${FRAME_DURATIONS_FILTER}: ${failure.message}): install ffmpeg 5 or newer`);
  }

  #output(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit code ${code}`))));
    });
  }

  /** Starts a long-running ffmpeg (a decoder or the mix encoder); the caller owns its pipes. */
  spawnFfmpeg(label: string, args: string[], stdio: SpawnOptions['stdio']): ChildProcess {
    const child = spawn(this.#ffmpeg, ['-hide_banner', '-nostats', '-loglevel', 'error', ...args], { stdio, argv0: `parley-ffmpeg:${label}` });
    this.#children.add(child);
    child.once('close', () => this.#children.delete(child));
    // A child that fails to start reports through 'error'; its owner learns of it from 'close'.
    child.on('error', () => {});
    return child;
  }

  /** Runs ffmpeg to completion (a conversion); rejects with the end of its error output. */
  runFfmpeg(label: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.spawnFfmpeg(label, ['-nostdin', '-y', ...args], ['ignore', 'ignore', 'pipe']);
      let stderr = '';
      child.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-STDERR_TAIL)));
      child.once('error', (error) => reject(error));
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`ffmpeg ${label} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
      });
    });
  }

  get running(): number {
    return this.#children.size;
  }

  /** Kills every process still running (server shutdown) and waits for them to go. */
  async killAll(): Promise<void> {
    const children = [...this.#children];
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('close', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }
}
