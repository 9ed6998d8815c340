/*
 * The query benchmark's baselines: a server that answers every GET with one
 * pre-serialized JSON body (the prices-current answer), so the measured cost is HTTP
 * alone. BENCH_MODE=bare-http is node:http (the ceiling in Node on this machine);
 * BENCH_MODE=fastify is Fastify 5 with one route and no plugins (the framework's cost).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { env, exitWhenOrphaned } from '../baselines/lifetime';

const mode = env('BENCH_MODE');
const body = readFileSync(env('BENCH_BODY_FILE'));
const port = Number(env('PORT'));
const host = env('HOST');
const lifetimeMs = Number(env('BENCH_LIFETIME_MS'));
const CONTENT_TYPE = 'application/json; charset=utf-8';

async function main(): Promise<void> {
  if (mode === 'bare-http') {
    const headers = { 'content-type': CONTENT_TYPE, 'content-length': String(body.length) };
    const server = createServer((_req, res) => res.writeHead(200, headers).end(body));
    // Keep-alive as long as Fastify's default: autocannon keeps its connections open.
    server.keepAliveTimeout = 72_000;
    await new Promise<void>((resolve) => server.listen({ port, host, backlog: 4096 }, resolve));
    exitWhenOrphaned(lifetimeMs, () => server.close());
  } else if (mode === 'fastify') {
    const app = Fastify({ logger: false });
    app.get('/*', (_req, reply) => reply.type(CONTENT_TYPE).send(body));
    await app.listen({ port, host, backlog: 4096 });
    exitWhenOrphaned(lifetimeMs, () => void app.close());
  } else {
    throw new Error(`BENCH_MODE must be bare-http or fastify, got ${JSON.stringify(mode)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`${mode} baseline failed to start:`, err);
  process.exit(1);
});
