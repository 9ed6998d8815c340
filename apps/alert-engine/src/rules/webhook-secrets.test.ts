import { attachSecrets, findDuplicateChannel, newWebhookSecret, secretPrefix } from './webhook-secrets';

describe('webhook secrets', () => {
  it('makes Standard Webhooks secrets: whsec_ and 24 random bytes in base64', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(a);
    expect(secretPrefix(a)).toBe(a.slice(0, 10));
  });

  it("gives new URLs a secret, reveals only those, keeps known URLs' secrets and clears disabledAt", () => {
    const previous = [
      {
        type: 'webhook' as const,
        url: 'https://a.example.com',
        secret: 'whsec_old',
        disabledAt: '2026-01-01T00:00:00.000Z',
      },
      { type: 'email' as const, to: 'x@example.com' },
    ];
    const { channels, revealed } = attachSecrets(
      [
        { type: 'websocket' },
        { type: 'webhook', url: 'https://a.example.com' },
        { type: 'webhook', url: 'https://b.example.com' },
        { type: 'email', to: 'y@example.com' },
      ],
      previous,
    );
    const fresh = channels[2]?.type === 'webhook' ? channels[2].secret : '';
    expect(channels).toEqual([
      { type: 'websocket' },
      { type: 'webhook', url: 'https://a.example.com', secret: 'whsec_old' },
      { type: 'webhook', url: 'https://b.example.com', secret: expect.stringMatching(/^whsec_/) },
      { type: 'email', to: 'y@example.com' },
    ]);
    expect([...revealed]).toEqual([fresh]);
  });

  it('finds a channel listed twice', () => {
    expect(findDuplicateChannel([{ type: 'websocket' }, { type: 'email', to: 'a@example.com' }])).toBeNull();
    expect(findDuplicateChannel([{ type: 'websocket' }, { type: 'websocket' }])).toEqual({ index: 1, first: 0 });
    expect(
      findDuplicateChannel([
        { type: 'webhook', url: 'https://a.example.com' },
        { type: 'email', to: 'A@example.com' },
        { type: 'email', to: 'a@example.com' },
      ]),
    ).toEqual({ index: 2, first: 1 });
    expect(
      findDuplicateChannel([
        { type: 'webhook', url: 'https://a.example.com' },
        { type: 'webhook', url: 'https://a.example.com/' },
      ]),
    ).toBeNull();
  });
});
