// The image's HEALTHCHECK: GET /healthz on this container's own port. /healthz answers while the
// process serves; /readyz (store, Redis, disk) is for load balancers, so that a database outage
// takes a node out of rotation without the runtime restarting it and ending its calls.
import http from 'node:http';
import https from 'node:https';

const tls = Boolean(process.env.PARLEY_TLS_CERT);
const port = Number(process.env.PARLEY_PORT || 8080);
const listening = process.env.PARLEY_HOST;
const host = !listening || listening === '0.0.0.0' || listening === '::' ? '127.0.0.1' : listening;
// The certificate names the public host, not this address: only liveness is checked here.
const request = (tls ? https : http).get({ host, port, path: '/healthz', timeout: 3000, rejectUnauthorized: false }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.once('timeout', () => request.destroy(new Error('timed out')));
request.once('error', (error) => {
  console.error(`healthcheck: ${error.message}`);
  process.exit(1);
});
