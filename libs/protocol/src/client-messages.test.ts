import { CLIENT_MESSAGE_TYPES, ClientMessageSchema, parseClientMessage } from './index';

const TYPE_LIST = CLIENT_MESSAGE_TYPES.join(', ');

function expectOk(raw: unknown) {
  const result = parseClientMessage(raw);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.message;
}

function expectError(raw: unknown) {
  const result = parseClientMessage(raw);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
}

describe('parseClientMessage: DESIGN section 3 messages', () => {
  it.each([
    { type: 'authenticate', apiKey: 'drk_live_abc123' },
    { type: 'authenticate', id: 1, token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' },
    {
      type: 'subscribe',
      id: 'sub-1',
      channels: ['prices', 'token:coingecko:ethereum', 'protocol:uniswap-v3:ethereum'],
      filters: { chains: ['ethereum'], minValue: 1, thresholds: { priceChange: 0.5 } },
      since: { prices: { offset: 41, epoch: 'e7f3' } },
      options: { throttleMs: 1000, minChangePct: 0.1, snapshot: true },
    },
    { type: 'subscribe', channels: ['tvl'] },
    { type: 'unsubscribe', id: 2, channels: ['prices'] },
    { type: 'list_subscriptions', id: 3 },
    { type: 'resume', resumeToken: 'rt_0123456789' },
    { type: 'ping', id: 4 },
  ])('accepts $type', (message) => {
    const parsed = expectOk(JSON.stringify(message));
    expect(parsed).toEqual(message);
    expect(ClientMessageSchema.safeParse(parsed).success).toBe(true);
  });

  it('accepts action as an alias of type and answers with type', () => {
    expect(expectOk('{"action":"subscribe","channels":["prices"]}')).toEqual({
      type: 'subscribe',
      channels: ['prices'],
    });
    expect(expectOk('{"action":"ping","type":"ping"}')).toEqual({ type: 'ping' });
  });

  it('reads Buffers, Uint8Arrays, ArrayBuffers and already parsed values', () => {
    const text = '{"type":"ping","id":9}';
    const bytes = new TextEncoder().encode(text);
    expect(expectOk(Buffer.from(text))).toEqual({ type: 'ping', id: 9 });
    expect(expectOk(bytes)).toEqual({ type: 'ping', id: 9 });
    expect(expectOk(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).toEqual({
      type: 'ping',
      id: 9,
    });
    expect(expectOk({ type: 'ping', id: 9 })).toEqual({ type: 'ping', id: 9 });
  });

  it('keeps channel names as sent: their grammar is checked per channel, not per request', () => {
    expect(expectOk('{"type":"subscribe","channels":["Events:Prices","nonsense"]}')).toMatchObject({
      channels: ['Events:Prices', 'nonsense'],
    });
  });

  it('accepts since keyed by an alias of a subscribed channel', () => {
    const message = {
      type: 'subscribe',
      channels: ['prices'],
      since: { 'events:price_changes': { offset: 1, epoch: 'a' } },
    };
    expect(expectOk(message)).toEqual(message);
  });
});

describe('parseClientMessage: BAD_REQUEST', () => {
  it.each([
    ['not JSON', '{"type":', undefined, 'frame is not JSON: send one JSON object per text frame'],
    ['empty frame', '', undefined, 'frame is not JSON: send one JSON object per text frame'],
    ['an array', '[{"type":"ping"}]', undefined, 'expected a JSON object with a "type" field, got an array'],
    ['a number', '42', undefined, 'expected a JSON object with a "type" field, got a number'],
    ['null', 'null', undefined, 'expected a JSON object with a "type" field, got null'],
    ['no type', '{"channels":["prices"]}', 'type', `type: required, one of ${TYPE_LIST}`],
    [
      'an unknown type',
      '{"type":"subscribe_all"}',
      'type',
      `type: unknown message type "subscribe_all"; expected one of ${TYPE_LIST}`,
    ],
    [
      'an unknown action',
      '{"action":"sub"}',
      'action',
      `action: unknown message type "sub"; expected one of ${TYPE_LIST}`,
    ],
    ['a non-string type', '{"type":7}', 'type', `type: unknown message type a number; expected one of ${TYPE_LIST}`],
    [
      'action and type disagreeing',
      '{"type":"ping","action":"subscribe"}',
      'action',
      'action: must equal type when both are given (action is an alias of type)',
    ],
    [
      'channels as a string',
      '{"type":"subscribe","channels":"prices"}',
      'channels',
      'channels: expected an array of strings',
    ],
    ['channels missing', '{"type":"subscribe"}', 'channels', 'channels: required'],
    ['no channels', '{"type":"unsubscribe","channels":[]}', 'channels', 'channels: expected at least 1 entry'],
    [
      'a channel that is not a string',
      '{"type":"subscribe","channels":["prices",1]}',
      'channels.1',
      'channels.1: expected a string, got a number',
    ],
    ['an unknown field', '{"type":"subscribe","channels":["prices"],"option":{}}', 'option', 'option: unknown field'],
    [
      'a bad option',
      '{"type":"subscribe","channels":["prices"],"options":{"throttleMs":120000}}',
      'options.throttleMs',
      'options.throttleMs: expected a number <= 60000',
    ],
    [
      'a bad position',
      '{"type":"subscribe","channels":["prices"],"since":{"prices":{"offset":-1,"epoch":"a"}}}',
      'since.prices.offset',
      'since.prices.offset: expected a number >= 0',
    ],
    [
      'since for another channel',
      '{"type":"subscribe","channels":["prices"],"since":{"tvl":{"offset":1,"epoch":"a"}}}',
      'since.tvl',
      'since.tvl: not one of the channels in this subscribe',
    ],
    ['authenticate without credentials', '{"type":"authenticate"}', 'apiKey', 'apiKey: required (or token)'],
    [
      'authenticate with both',
      '{"type":"authenticate","apiKey":"k","token":"t"}',
      'token',
      'token: give apiKey or token, not both',
    ],
    ['resume without token', '{"type":"resume"}', 'resumeToken', 'resumeToken: required'],
    ['an object id', '{"type":"ping","id":{}}', 'id', 'id: expected a string (at most 128 characters) or a number'],
    [
      'an infinite id',
      '{"type":"ping","id":1e400}',
      'id',
      'id: expected a string (at most 128 characters) or a number',
    ],
  ])('%s', (_name, raw, field, message) => {
    const error = expectError(raw);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('echoes a usable id on errors, and only a usable one', () => {
    expect(expectError('{"type":"subscribe","id":"req-7"}').id).toBe('req-7');
    expect(expectError('{"type":"nope","id":12}').id).toBe(12);
    expect(expectError('{"type":"ping","id":[1]}')).not.toHaveProperty('id');
    expect(expectError('{"type":"ping","id":"' + 'x'.repeat(129) + '"}')).not.toHaveProperty('id');
  });

  it('counts the problems it does not spell out', () => {
    expect(expectError('{"type":"subscribe","channels":[1,2,3]}').message).toBe(
      'channels.0: expected a string, got a number (and 2 more problems)',
    );
  });

  it('refuses more than 100 channels in one message', () => {
    const channels = Array.from({ length: 101 }, (_, i) => `protocol:p${i}`);
    expect(expectError({ type: 'subscribe', channels }).message).toBe('channels: expected at most 100 entries');
  });

  it('cannot be tricked by __proto__ into polluting prototypes', () => {
    const error = expectError('{"type":"ping","__proto__":{"polluted":true}}');
    expect(error.field).toBe('__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
