import { AuthError } from '@defi-realtime/auth';
import {
  DEFAULT_SUBSCRIBE_OPTIONS,
  ProtocolError,
  normalizeChannel,
  parseClientMessage,
  type AuthenticateMessage,
  type ChannelResult,
  type ClientMessage,
  type ClientMessageId,
  type Position,
  type ResumeMessage,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@defi-realtime/protocol';
import type { RawData } from 'ws';
import type { GatewayContext } from '../context';
import { activate } from './lifecycle';
import type { Connection } from './connection';
import { subscribeChannels } from './subscribe';

/**
 * Every client frame comes through here. Nothing a client sends can throw out of this
 * function: bad input gets an `error` naming the field and the connection stays open;
 * only repeated violations close it (RATE_LIMITED, 4029).
 */
export async function handleMessage(ctx: GatewayContext, connection: Connection, data: RawData): Promise<void> {
  connection.isAlive = true;
  const limits = connection.principal?.limits ?? ctx.anonymousLimits;
  if (!connection.messages.take(limits.messagesPerMinute)) {
    return violation(
      ctx,
      connection,
      'messages',
      `more than ${limits.messagesPerMinute} messages per minute; retry in ${seconds(connection.messages.retryAfterMs())} s`,
    );
  }
  const parsed = parseClientMessage(data);
  if (!parsed.ok) {
    ctx.metrics.messagesIn.inc({ type: 'invalid' });
    const { id, field, message } = parsed.error;
    connection.sendError(new ProtocolError('BAD_REQUEST', message, field === undefined ? {} : { field }), id);
    if (connection.strike()) connection.closeWith('RATE_LIMITED', 'too many invalid messages');
    return;
  }
  const message = parsed.message;
  ctx.metrics.messagesIn.inc({ type: message.type });
  try {
    await dispatch(ctx, connection, message);
  } catch (err) {
    ctx.logger.error({ err, connectionId: connection.id, type: message.type }, 'message handler failed');
    connection.sendError(new ProtocolError('INTERNAL', 'the server could not handle this message'), message.id);
  }
}

async function dispatch(ctx: GatewayContext, connection: Connection, message: ClientMessage): Promise<void> {
  if (message.type === 'ping')
    return connection.send({
      type: 'pong',
      ...(message.id === undefined ? {} : { id: message.id }),
      timestamp: Date.now(),
    });
  if (message.type === 'authenticate') return authenticate(ctx, connection, message);
  if (!connection.principal) {
    return connection.sendError(
      new ProtocolError('UNAUTHORIZED', `send 'authenticate' first (within ${ctx.config.AUTH_TIMEOUT_MS / 1000} s)`),
      message.id,
    );
  }
  switch (message.type) {
    case 'subscribe':
      return subscribe(ctx, connection, message);
    case 'unsubscribe':
      return unsubscribe(ctx, connection, message);
    case 'list_subscriptions':
      return connection.send({
        type: 'subscription_result',
        ...(message.id === undefined ? {} : { id: message.id }),
        results: listResults(connection),
      });
    case 'resume':
      return resume(ctx, connection, message);
  }
}

async function authenticate(ctx: GatewayContext, connection: Connection, message: AuthenticateMessage): Promise<void> {
  if (connection.principal) {
    return connection.sendError(
      new ProtocolError('BAD_REQUEST', 'already authenticated', { field: 'type' }),
      message.id,
    );
  }
  let result;
  try {
    result = await ctx.authenticator.authenticate({ apiKey: message.apiKey, bearer: message.token });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    ctx.logger.warn({ err, connectionId: connection.id }, 'credentials could not be checked');
    return connection.closeWith('UNAVAILABLE', 'credentials cannot be checked right now; retry');
  }
  if (!result.ok) {
    ctx.audit.info(
      {
        event: 'auth_failure',
        connectionId: connection.id,
        remoteAddress: connection.remoteAddress,
        reason: result.reason,
        via: 'message',
      },
      'auth failure',
    );
    return connection.closeWith('UNAUTHORIZED', result.reason);
  }
  if (!(await ctx.quotas.acquire(result.principal, connection.id))) {
    ctx.metrics.rateLimitHits.inc({ limit: 'connections_per_key' });
    return connection.closeWith(
      'LIMIT_EXCEEDED',
      `at most ${result.principal.limits.maxConnectionsPerKey} connections per key on the ${result.principal.tier} tier`,
    );
  }
  activate(ctx, connection, result.principal, message.id);
}

async function subscribe(ctx: GatewayContext, connection: Connection, message: SubscribeMessage): Promise<void> {
  if (!takeSubscriptionChange(ctx, connection, message.id)) return;
  const since = new Map<string, Position>();
  for (const [channel, position] of Object.entries(message.since ?? {})) {
    const normalized = normalizeChannel(channel);
    since.set(normalized.ok ? normalized.channel : channel, position);
  }
  const options = { ...DEFAULT_SUBSCRIBE_OPTIONS, ...message.options };
  await subscribeChannels(
    ctx,
    connection,
    message.channels.map((channel) => {
      const normalized = normalizeChannel(channel);
      return {
        channel,
        filters: message.filters,
        options,
        since: since.get(normalized.ok ? normalized.channel : channel),
      };
    }),
    message.id,
  );
}

function unsubscribe(ctx: GatewayContext, connection: Connection, message: UnsubscribeMessage): void {
  if (!takeSubscriptionChange(ctx, connection, message.id)) return;
  const results: ChannelResult[] = message.channels.map((requested) => {
    const normalized = normalizeChannel(requested);
    if (!normalized.ok)
      return { channel: requested, status: 'error', error: { code: normalized.code, message: normalized.reason } };
    const subscription = connection.subscriptions.get(normalized.channel);
    if (!subscription)
      return {
        channel: normalized.channel,
        status: 'error',
        error: { code: 'NOT_FOUND', message: `not subscribed to '${normalized.channel}'` },
      };
    connection.subscriptions.delete(normalized.channel);
    ctx.hub.remove(subscription);
    return {
      channel: normalized.channel,
      status: 'unsubscribed',
      ...(subscription.position ? { position: subscription.position } : {}),
    };
  });
  connection.send({ type: 'subscription_result', ...(message.id === undefined ? {} : { id: message.id }), results });
}

async function resume(ctx: GatewayContext, connection: Connection, message: ResumeMessage): Promise<void> {
  const record = await ctx.resumeStore.take(message.resumeToken, connection.principal!.id);
  if (!record) {
    return connection.sendError(
      new ProtocolError(
        'RESUME_FAILED',
        'resume token unknown, expired or not yours; subscribe again with `since` positions',
        { field: 'resumeToken' },
      ),
      message.id,
    );
  }
  await subscribeChannels(
    ctx,
    connection,
    record.subscriptions.map((s) => ({
      channel: s.channel,
      filters: s.filters,
      options: s.options,
      since: s.position,
    })),
    message.id,
  );
}

function listResults(connection: Connection): ChannelResult[] {
  return [...connection.subscriptions.values()].map((s) => ({
    channel: s.channel,
    status: 'subscribed',
    ...(s.position ? { position: s.position } : {}),
  }));
}

function takeSubscriptionChange(ctx: GatewayContext, connection: Connection, id: ClientMessageId | undefined): boolean {
  const limit = connection.principal!.limits.subscriptionChangesPerMinute;
  if (connection.subscriptionChanges.take(limit)) return true;
  violation(
    ctx,
    connection,
    'subscription_changes',
    `more than ${limit} subscription changes per minute; retry in ${seconds(connection.subscriptionChanges.retryAfterMs())} s`,
    id,
  );
  return false;
}

/** `id`: the refused message's, when it was parsed (the per-message rate is checked before parsing). */
function violation(
  ctx: GatewayContext,
  connection: Connection,
  limit: string,
  message: string,
  id?: ClientMessageId,
): void {
  ctx.metrics.rateLimitHits.inc({ limit });
  if (connection.strike()) {
    ctx.audit.warn(
      {
        event: 'rate_limited_close',
        connectionId: connection.id,
        keyId: connection.principal?.id,
        remoteAddress: connection.remoteAddress,
        limit,
      },
      'closed for repeated violations',
    );
    connection.closeWith('RATE_LIMITED', message);
  } else {
    connection.sendError(new ProtocolError('RATE_LIMITED', message), id);
  }
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
