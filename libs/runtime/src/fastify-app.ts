import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Health } from './health';
import { baseUrl } from './http';
import {
  MAX_HEADER_BYTES,
  answerClientError,
  fastifyErrorAnswer,
  registryAnswer,
  statusErrorAnswer,
  type ErrorContext,
} from './http-errors';
import type { Logger } from './logger';

/** The body limit unless an app says otherwise: 64 KiB, the same as a WebSocket frame (MESSAGE_TOO_LARGE). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Fastify's default longest path parameter. */
const DEFAULT_MAX_PARAM_LENGTH = 100;

/** What the error handler reads from a thrown error. */
interface HttpError {
  message: string;
  validation?: unknown;
  statusCode?: number;
  code?: string;
  httpStatus?: number;
  toHttpBody?: () => unknown;
}

export interface HttpAppOptions {
  logger: Logger;
  health: Health;
  /** Largest request body accepted; a larger one is refused with 413 MESSAGE_TOO_LARGE. @default 64 KiB */
  bodyLimit?: number;
  /** Served at `/metrics` when given. */
  metrics?: Registry;
  /**
   * Rewrite each request's URL before routing (Fastify's `rewriteUrl`), e.g. to accept a
   * credential as the first path segment while declaring every route once.
   * @default undefined (URLs routed as sent)
   */
  rewriteUrl?: (req: IncomingMessage) => string;
  /**
   * Take the client address (`request.ip`) from X-Forwarded-For: only behind a proxy that
   * sets it, otherwise any client could pick its own address.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * Longest value of one path parameter; a longer one is refused with 400 BAD_REQUEST. Raise
   * it for list parameters in the path (`/prices/current/<100 comma-separated coin ids>`).
   * @default 100 (Fastify's)
   */
  maxParamLength?: number;
}

/**
 * A Fastify instance set up the way every HTTP app here wants it: our pino logger with
 * a request id per line, `/healthz` + `/readyz`, and every error as `{code, message,
 * field?}` with a registry code (libs/protocol), including those Fastify and Node's HTTP
 * parser answer before any route runs (bad URL escapes, over-long parameters or headers,
 * bodies too large or not JSON, requests during shutdown).
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const maxParamLength = options.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH;
  const contextOf = (req: {
    headers: IncomingMessage['headers'];
    routeOptions?: { bodyLimit?: number };
  }): ErrorContext => ({
    bodyLimit: req.routeOptions?.bodyLimit ?? bodyLimit,
    contentType: req.headers['content-type'],
    maxParamLength,
  });
  let closing = false;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit,
    // One line per request would dominate the logs at the request rates we serve.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    ...(options.rewriteUrl ? { rewriteUrl: options.rewriteUrl } : {}),
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler: answerClientError,
    // Raised by the router, before the error handler exists for the request.
    frameworkErrors: (err, req, reply) => {
      const answer = fastifyErrorAnswer(err, contextOf(req)) ?? statusErrorAnswer(err);
      void (reply as FastifyReply).code(answer.status).send(answer.body);
    },
    // Fastify's own 503 while closing has a body of its own; the hook below answers instead.
    return503OnClosing: false,
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done();
    const answer = registryAnswer('UNAVAILABLE', 'the server is shutting down; retry (another node will answer)');
    void reply.code(answer.status).header('connection', 'close').send(answer.body);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const report = await options.health.readiness();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  const registry = options.metrics;
  if (registry)
    app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route for ${req.method} ${req.url.split('?')[0]}` }),
  );
  app.setErrorHandler((err: HttpError, req, reply) => {
    // A request that failed its route schema: say which field and what was expected.
    if (Array.isArray(err.validation)) return reply.code(400).send(validationErrorBody(err as ValidationFailure));
    // Errors that know their answer (ProtocolError: code, status, field) give it as is.
    if (typeof err.httpStatus === 'number' && typeof err.toHttpBody === 'function') {
      if (err.httpStatus >= 500) req.log.error({ err }, 'request failed');
      return reply.code(err.httpStatus).send(err.toHttpBody());
    }
    // Fastify's own (FST_*) codes mean nothing to a client: answer with ours.
    const answer = fastifyErrorAnswer(err, contextOf(req)) ?? statusErrorAnswer(err);
    if (answer.status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(answer.status).send(answer.body);
  });
  return app;
}

/** Listen and resolve with a usable base URL (port 0 picks a free port). */
export async function listenHttpApp(app: FastifyInstance, port: number, host: string): Promise<string> {
  await app.listen({ port, host });
  return baseUrl(app.server.address() as AddressInfo);
}

/** Fastify's schema-validation error (ajv or zod issues) with the part of the request it came from. */
interface ValidationFailure {
  message: string;
  validation: Array<{
    instancePath?: string;
    path?: Array<string | number>;
    message?: string;
    params?: { issue?: { path?: Array<string | number>; message?: string } };
  }>;
  validationContext?: string;
}

const CONTEXT_NAMES: Record<string, string> = {
  querystring: 'query',
  params: 'params',
  body: 'body',
  headers: 'headers',
};

/** `{code, message, field}` for the first issue: `field` as `query.limit`, `body.target.tokenId`. */
export function validationErrorBody(err: ValidationFailure): { code: 'BAD_REQUEST'; message: string; field: string } {
  const issue = err.validation[0] ?? {};
  const context = CONTEXT_NAMES[err.validationContext ?? ''] ?? err.validationContext ?? 'request';
  const path =
    issue.params?.issue?.path ??
    issue.path ??
    (issue.instancePath ? issue.instancePath.split('/').filter(Boolean) : []);
  const field = [context, ...path.map(String)].join('.');
  const reason = issue.params?.issue?.message ?? issue.message ?? err.message;
  return { code: 'BAD_REQUEST', message: `${field}: ${reason}`, field };
}
