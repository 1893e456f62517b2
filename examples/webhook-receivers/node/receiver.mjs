/**
 * A Parley webhook receiver in Node.js, with nothing but Node's standard library.
 *
 *   PARLEY_WEBHOOK_SECRET=… PORT=3000 node receiver.mjs
 *
 * Every notice is checked before its JSON is read: the hex HMAC-SHA256 of the raw body bytes,
 * keyed with the webhook's signing secret, must equal the Agora-Signature-V2 header. A notice
 * that fails is answered 401 and ignored. Deliveries come at least once, so a notice already
 * seen (same noticeId) is answered 200 again and not handled twice.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const secret = process.env.PARLEY_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set PARLEY_WEBHOOK_SECRET to the signing secret shown when the webhook was created.');
  process.exit(1);
}
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
// Notices are small; refuse anything far larger rather than buffer it.
const MAX_BODY_BYTES = 1024 * 1024;

/** True when `signatureHex` is the HMAC-SHA256 of `rawBody` with the secret (compared in constant time). */
function isSignedByParley(rawBody, signatureHex, key = secret) {
  const expected = createHmac('sha256', key).update(rawBody).digest();
  const received = Buffer.from(typeof signatureHex === 'string' ? signatureHex : '', 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

// In a real app this is a table with a unique key on noticeId.
const handled = new Set();

function handle(notice) {
  // Your work goes here: eventType 101/102 channel created/destroyed, 103–108 joins and leaves…
  console.log(`accepted ${notice.noticeId} productId=${notice.productId} eventType=${notice.eventType}`);
}

function answer(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST') return answer(response, 405, { error: 'POST only' });
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () => {
    const rawBody = Buffer.concat(chunks);
    if (!isSignedByParley(rawBody, request.headers['agora-signature-v2'])) {
      console.log('rejected a notice with a wrong signature');
      return answer(response, 401, { error: 'bad signature' });
    }
    const notice = JSON.parse(rawBody.toString('utf8'));
    if (handled.has(notice.noticeId)) {
      console.log(`duplicate ${notice.noticeId}`);
    } else {
      handled.add(notice.noticeId);
      handle(notice);
    }
    // Any 2xx within 10 s tells Parley the notice arrived; do slow work after answering.
    answer(response, 200, { ok: true });
  });
});

server.listen(port, host, () => {
  const { port: bound } = server.address();
  console.log(`listening on http://${host}:${bound}/`);
});
