import fc from 'fast-check';
import { CLIENT_MESSAGE_TYPES, ClientMessageSchema, type ParseClientMessageResult, parseClientMessage } from './index';

// Whatever a client sends, the gateway gets an answer it can act on: a message the
// schema accepts, or a BAD_REQUEST that tells the client what to fix.

/** Keys some client message requires; an error may name them though the input lacks them. */
const REQUIRED_KEYS = new Set(['type', 'channels', 'resumeToken', 'apiKey', 'offset', 'epoch']);

function check(raw: unknown, input: unknown): void {
  let result: ParseClientMessageResult | undefined;
  expect(() => {
    result = parseClientMessage(raw);
  }).not.toThrow();
  if (result === undefined) throw new Error('no result');
  if (result.ok) {
    expect(ClientMessageSchema.safeParse(result.message).success).toBe(true);
    return;
  }
  const { error } = result;
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.message.trim()).not.toBe('');
  if (!isObject(input)) {
    expect(error.field).toBeUndefined();
    return;
  }
  if (error.id !== undefined) expect(error.id).toBe(input['id']);
  if (error.field !== undefined) {
    const names = pathExists(input, error.field.split('.')) || parentExistsAndKeyRequired(input, error.field);
    if (!names) throw new Error(`field ${JSON.stringify(error.field)} names nothing in ${JSON.stringify(input)}`);
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks a dotted path, allowing keys that themselves contain dots. */
function pathExists(value: unknown, segments: string[]): boolean {
  if (segments.length === 0) return true;
  if (typeof value !== 'object' || value === null) return false;
  for (let take = 1; take <= segments.length; take += 1) {
    const key = segments.slice(0, take).join('.');
    if (Object.hasOwn(value, key) && pathExists((value as Record<string, unknown>)[key], segments.slice(take)))
      return true;
  }
  return false;
}

function parentExistsAndKeyRequired(input: Record<string, unknown>, field: string): boolean {
  const segments = field.split('.');
  const last = segments.at(-1) ?? '';
  return REQUIRED_KEYS.has(last) && pathExists(input, segments.slice(0, -1));
}

const channel = fc.oneof(
  fc.constantFrom('prices', 'tvl', 'events:prices', 'token:coingecko:ethereum', 'uniswap-v3:ethereum', 'alerts'),
  fc.string({ maxLength: 20 }),
);
const position = fc.oneof(
  fc.record({ offset: fc.nat(), epoch: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ offset: fc.oneof(fc.integer(), fc.double()), epoch: fc.anything() }, { requiredKeys: [] }),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(arbitrary, fc.anything());

/** Objects that look like client messages: a real type and a mix of plausible and random fields. */
const messageLike = fc
  .tuple(
    fc.record(
      {
        type: fc.constantFrom(...CLIENT_MESSAGE_TYPES),
        id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.anything()),
        channels: maybe(fc.array(channel, { maxLength: 4 })),
        filters: maybe(
          fc.record(
            {
              chains: maybe(fc.array(fc.constantFrom('ethereum', 'Arbitrum', 'bad chain'), { maxLength: 3 })),
              tokenIds: maybe(fc.array(fc.constantFrom('coingecko:ethereum', 'nope'), { maxLength: 3 })),
              eventTypes: maybe(fc.array(fc.constantFrom('price_update', 'trade'), { maxLength: 3 })),
              minValue: maybe(fc.double()),
              maxValue: maybe(fc.double()),
              thresholds: maybe(fc.record({ tvlChange: fc.double(), priceChange: fc.double() }, { requiredKeys: [] })),
            },
            { requiredKeys: [] },
          ),
        ),
        since: maybe(fc.dictionary(channel, position, { maxKeys: 3 })),
        options: maybe(
          fc.record(
            { throttleMs: fc.integer(), minChangePct: fc.double(), snapshot: fc.anything() },
            { requiredKeys: [] },
          ),
        ),
        apiKey: maybe(fc.string({ maxLength: 10 })),
        token: maybe(fc.string({ maxLength: 10 })),
        resumeToken: maybe(fc.string({ maxLength: 10 })),
      },
      { requiredKeys: ['type'] },
    ),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 2 }),
    fc.boolean(),
  )
  .map(([fields, extra, asAction]) => {
    const message: Record<string, unknown> = { ...extra, ...fields };
    if (asAction) {
      message['action'] = message['type'];
      delete message['type'];
    }
    return message;
  });

const validChannel = fc.constantFrom(
  'prices',
  'tvl',
  'protocols',
  'alerts',
  'token:coingecko:ethereum',
  'chain:bsc:tvl',
);
const validId = fc.option(fc.oneof(fc.string({ maxLength: 128 }), fc.integer()), { nil: undefined });
const withId = <T extends { type: string }>(arbitrary: fc.Arbitrary<T>) =>
  fc.tuple(arbitrary, validId).map(([message, id]) => (id === undefined ? message : { ...message, id }));
const validMessage = fc.oneof(
  withId(
    fc.oneof(
      fc.record({ type: fc.constant('authenticate'), apiKey: fc.string({ minLength: 1, maxLength: 64 }) }),
      fc.record({ type: fc.constant('authenticate'), token: fc.string({ minLength: 1, maxLength: 64 }) }),
    ),
  ),
  withId(
    fc.uniqueArray(validChannel, { minLength: 1, maxLength: 6 }).chain((channels) =>
      fc.record(
        {
          type: fc.constant('subscribe'),
          channels: fc.constant(channels),
          filters: fc.record(
            {
              chains: fc.array(fc.constantFrom('ethereum', 'arbitrum'), { minLength: 1, maxLength: 3 }),
              eventTypes: fc.array(fc.constantFrom('price_update', 'tvl_update'), { minLength: 1, maxLength: 2 }),
              minValue: fc.integer({ min: 0, max: 10 }),
              thresholds: fc.record({ tvlChange: fc.nat(), priceChange: fc.nat() }, { requiredKeys: [] }),
            },
            { requiredKeys: [] },
          ),
          since: fc
            .subarray(channels)
            .chain((some) =>
              fc
                .tuple(
                  ...some.map(() => fc.record({ offset: fc.nat(), epoch: fc.string({ minLength: 1, maxLength: 8 }) })),
                )
                .map((positions) => Object.fromEntries(some.map((name, i) => [name, positions[i]]))),
            ),
          options: fc.record(
            { throttleMs: fc.integer({ min: 0, max: 60_000 }), minChangePct: fc.nat(), snapshot: fc.boolean() },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['type', 'channels'] },
      ),
    ),
  ),
  withId(
    fc.record({ type: fc.constant('unsubscribe'), channels: fc.array(validChannel, { minLength: 1, maxLength: 5 }) }),
  ),
  withId(fc.record({ type: fc.constantFrom('list_subscriptions', 'ping') })),
  withId(fc.record({ type: fc.constant('resume'), resumeToken: fc.string({ minLength: 1, maxLength: 64 }) })),
);

describe('parseClientMessage never throws and always answers usefully', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => check(text, undefined)),
      { numRuns: 1000 },
    );
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => check(Buffer.from(bytes), undefined)),
      { numRuns: 1000 },
    );
  });

  it('on arbitrary JSON values, as text and as parsed values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        check(JSON.stringify(value), value);
        check(value, value);
      }),
      { numRuns: 1000 },
    );
  });

  it('on objects shaped like messages', () => {
    fc.assert(
      fc.property(messageLike, (message) => {
        const text = JSON.stringify(message);
        check(text, JSON.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every well-formed message, and gives it back unchanged', () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const result = parseClientMessage(JSON.stringify(message));
        expect(result).toEqual({ ok: true, message });
      }),
      { numRuns: 1000 },
    );
  });
});
