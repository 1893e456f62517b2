/**
 * The baseline of the API benchmark: a bare Fastify hello-world, the ceiling any Fastify route
 * can reach on this machine. Runs as its own process (started by run.ts) so the load generator
 * never shares its event loop.
 * It speaks serverProtocol.ts; its CPU time tells run.ts whether this server or the load
 * generator was the bottleneck.
 */
import Fastify from 'fastify';
import { answerBenchProtocol } from './serverProtocol.ts';

// Fastify's defaults (no logger, no plugins): the baseline Parley's stack is compared against.
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (typeof address !== 'object' || !address) throw new Error('bare server has no TCP address');

answerBenchProtocol({
  ready: { url: `http://127.0.0.1:${address.port}` },
  stop: async (code) => {
    await app.close();
    process.exit(code);
  },
});
