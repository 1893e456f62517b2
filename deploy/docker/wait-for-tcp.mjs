// Waits until PostgreSQL and Redis accept TCP connections, for the image's entry script:
// `node wait-for-tcp.mjs <seconds> <url>...`. Only host and port are printed: the URLs hold passwords.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const DEFAULT_PORTS = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'rediss:': 6379 };

const [seconds, ...urls] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;

function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

for (const raw of urls) {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
  let announced = false;
  while (!(await accepts(host, port))) {
    if (Date.now() >= deadline) {
      console.error(`parley entrypoint: ${host}:${port} did not accept connections within ${seconds} s (WAIT_FOR_SERVICES_SECONDS)`);
      process.exit(1);
    }
    if (!announced) console.error(`parley entrypoint: waiting for ${host}:${port}`);
    announced = true;
    await sleep(1000);
  }
}
