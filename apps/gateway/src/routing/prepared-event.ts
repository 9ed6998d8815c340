import type { ChannelEvent } from '@defi-realtime/engine';
import { EventEnvelopeSchema, parseTokenId, type EventType, type Position } from '@defi-realtime/protocol';
import { frameText } from './frame';

/**
 * One engine event, parsed and validated once per node, with what filters and
 * throttling look at pulled out, and its wire frame built on first use and then shared
 * by every recipient.
 */
export class PreparedEvent {
  private cachedFrame: Buffer | undefined;

  constructor(
    readonly position: Position,
    readonly type: EventType,
    readonly timestamp: number,
    /** What conflation and minChangePct key on: the token, protocol(+chain) or alert. */
    readonly key: string,
    /** price, tvl or an alert's value; undefined for protocol_update. */
    readonly value: number | undefined,
    readonly changePercent: number | undefined,
    readonly tokenId: string | undefined,
    readonly protocolId: string | undefined,
    readonly chain: string | undefined,
    private readonly clientChannel: string,
    private readonly dataJson: string,
  ) {}

  /** The data message as a complete WebSocket frame. */
  get frame(): Buffer {
    this.cachedFrame ??= frameText(this.text);
    return this.cachedFrame;
  }

  /** The data message as JSON text. */
  get text(): string {
    return (
      `{"type":"${this.type}","channel":${JSON.stringify(this.clientChannel)},` +
      `"position":{"offset":${this.position.offset},"epoch":${JSON.stringify(this.position.epoch)}},` +
      `"timestamp":${this.timestamp},"data":${this.dataJson}}`
    );
  }
}

/**
 * Parse and validate an engine event (it may come from another node over Redis, so it is
 * a boundary). Returns undefined for a payload that is not a valid event envelope.
 */
export function prepareEvent(event: ChannelEvent, clientChannel: string): PreparedEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(event.payload);
  } catch {
    return undefined;
  }
  const parsed = EventEnvelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const envelope = parsed.data;
  const dataJson = JSON.stringify(envelope.data);
  const make = (
    key: string,
    value: number | undefined,
    change: number | undefined,
    ids: { tokenId?: string; protocolId?: string; chain?: string },
  ) =>
    new PreparedEvent(
      event.position,
      envelope.type,
      envelope.timestamp,
      key,
      value,
      change,
      ids.tokenId,
      ids.protocolId,
      ids.chain,
      clientChannel,
      dataJson,
    );

  switch (envelope.type) {
    case 'price_update': {
      const { tokenId, price, changePercent } = envelope.data;
      const token = parseTokenId(tokenId);
      const chain = envelope.data.chain ?? (token.ok ? token.chain : undefined);
      return make(tokenId, price, changePercent, { tokenId, chain });
    }
    case 'tvl_update': {
      const { protocolId, chain, tvl, changePercent } = envelope.data;
      return make(chain ? `${protocolId}:${chain}` : protocolId, tvl, changePercent, { protocolId, chain });
    }
    case 'protocol_update':
      return make(envelope.data.protocolId, undefined, undefined, { protocolId: envelope.data.protocolId });
    case 'alert':
      return make(envelope.data.alertId, envelope.data.value, undefined, {});
  }
}
