/**
 * Many clients on one node: `node bench/rtc/crowd.ts [--listeners 300] [--per-process 50]
 * [--concurrency 3] [--range]`. A Parley server with the default media port settings (one UDP
 * port, 7882; `--range`: a port per connection, 40000–40199 unless PARLEY_RTC_PORT_MIN/MAX say
 * otherwise) runs in this process; native bots in child processes join one channel, subscribe
 * to a speaker's audio and count as connected once ICE is connected and audio has arrived.
 * Prints how many connected, how long joins took, the server's CPU time and its UDP sockets.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startCrowd } from '../../test/support/crowdBots.ts';
import { udpSocketsOf } from '../../test/support/udpSockets.ts';
import { startInProcessServer } from './inProcessServer.ts';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '300' },
    'per-process': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '3' },
    range: { type: 'boolean', default: false },
  },
});

const { server, close } = await startInProcessServer('crowd', values.range ? { PARLEY_RTC_UDP_PORT: 'range' } : {});
try {
  const project = await server.services.projects.createProject({ name: 'crowd-bench', plan: 'enterprise' });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const crowd = await startCrowd({
    url: server.url,
    appId: project.appId,
    appCertificate: project.appCertificate,
    channel: 'crowd',
    listeners: Number(values.listeners),
    perProcess: Number(values['per-process']),
    concurrency: Number(values.concurrency),
  });
  const wallMs = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const sockets = udpSocketsOf(process.pid);
  const at = (share: number) => crowd.readyMs[Math.min(crowd.readyMs.length - 1, Math.floor(share * crowd.readyMs.length))];
  console.log(
    JSON.stringify(
      {
        mode: values.range ? 'range' : 'one port',
        listeners: Number(values.listeners),
        connected: crowd.connected,
        errors: crowd.errors.length,
        firstErrors: crowd.errors.slice(0, 5),
        wallMs,
        readyMs: { p50: at(0.5), p90: at(0.9), last: crowd.readyMs.at(-1) },
        serverCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        serverUdpSockets: sockets.length,
        serverUdpPorts: [...new Set(sockets.map((socket) => socket.port))].slice(0, 10),
        mux: server.services.media.network.mux?.stats,
        loadAverage: os.loadavg().map((load) => Math.round(load * 10) / 10),
      },
      null,
      2,
    ),
  );
  await crowd.leave();
} finally {
  await close();
}
