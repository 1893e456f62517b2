/**
 * Janus 1.1.2 (Debian package `janus`) as the comparison SFU: a private configuration in a
 * temporary folder (only the HTTP transport and the videoroom plugin are loaded, the HTTP API on
 * 127.0.0.1, a fixed RTP port range), started as a child process by its own binary so run.ts can
 * read its CPU time from /proc/<pid>/stat exactly as it reads Parley's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const JANUS_BINARY = '/usr/bin/janus';
const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';

export interface JanusServer {
  url: string;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

export function janusInstalled(): boolean {
  return fs.existsSync(JANUS_BINARY) && fs.existsSync(path.join(JANUS_LIB, 'plugins/libjanus_videoroom.so')) && fs.existsSync(path.join(JANUS_LIB, 'transports/libjanus_http.so'));
}

export async function startJanus(options: { port: number; rtpPortRange: string; log: (line: string) => void }): Promise<JanusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-janus-'));
  for (const sub of ['plugins', 'transports', 'empty']) fs.mkdirSync(path.join(dir, sub));
  fs.symlinkSync(path.join(JANUS_LIB, 'plugins/libjanus_videoroom.so'), path.join(dir, 'plugins/libjanus_videoroom.so'));
  fs.symlinkSync(path.join(JANUS_LIB, 'transports/libjanus_http.so'), path.join(dir, 'transports/libjanus_http.so'));
  fs.writeFileSync(
    path.join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/empty"
  loggers_folder = "${dir}/empty"
  debug_level = 3
  session_timeout = 60
}
certificates: {
}
media: {
  rtp_port_range = "${options.rtpPortRange}"
}
nat: {
  nice_debug = false
  ice_ignore_list = "vmnet"
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
}
`,
  );
  fs.writeFileSync(
    path.join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${options.port}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
cors: {
}
`,
  );
  fs.writeFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');

  const child: ChildProcess = spawn(JANUS_BINARY, ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = String(chunk);
    output += text;
    for (const line of text.split('\n')) if (/\b(ERR|WARN)\b|\[ERR\]|\[WARN\]/.test(line)) options.log(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${options.port}/janus`;
  const deadline = Date.now() + 15_000;
  let version: string;
  for (;;) {
    if (exited) throw new Error(`janus exited at start:\n${output.slice(-2000)}`);
    try {
      const info = (await (await fetch(`${url}/info`)).json()) as { version_string?: string; plugins?: Record<string, unknown> };
      if (!info.plugins?.['janus.plugin.videoroom']) throw new Error(`janus runs without the videoroom plugin:\n${output.slice(-2000)}`);
      version = info.version_string ?? '';
      break;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('janus runs')) throw error;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`janus did not answer on ${url} within 15 s:\n${output.slice(-2000)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    pid: child.pid!,
    version,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exitedPromise;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
