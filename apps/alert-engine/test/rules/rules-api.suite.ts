import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseKind } from '@defi-realtime/db';
import { ALERT_RULE_DEFAULTS, ALERT_RULE_TYPES, ALERT_WINDOWS_MS } from '@defi-realtime/protocol';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { NotificationSchema } from '../../src/notifications/notification';
import { AlertRuleViewSchema, loadRule, type AlertRuleView } from '../../src/rules';
import { RuleHistorySchema, RuleListSchema } from '../../src/rules/route-schemas';
import { MINIMAL_RULES, WEBSOCKET, startRulesApi, type RulesApi } from './harness';

const SECRET = /^whsec_[A-Za-z0-9+/]{32}$/;

/** The rules API's behaviour, run once per database kind. */
export function describeRulesApi(kind: DatabaseKind): void {
  describe(`alert rules API on ${kind}`, () => {
    let api: RulesApi;
    let alice: string; // pro: room for many rules
    let bob: string; // another owner

    beforeAll(async () => {
      api = await startRulesApi(kind);
      alice = (await api.key('pro')).key;
      bob = (await api.key('free')).key;
    }, START_TEST_TIMEOUT_MS);
    afterAll(async () => api?.cleanup());

    const create = async (key: string, body: object): Promise<AlertRuleView> => {
      const res = await api.call(key, { method: 'POST', url: '/v2/alerts', payload: body });
      expect(res.statusCode).toBe(201);
      return AlertRuleViewSchema.parse(res.json());
    };

    describe('CRUD', () => {
      it.each(ALERT_RULE_TYPES)('creates, reads, lists, updates and deletes a %s rule', async (type) => {
        const body = { ...MINIMAL_RULES[type], channels: WEBSOCKET };
        const created = await create(alice, body);
        expect(created).toMatchObject({
          ...body,
          cooldownSec: ALERT_RULE_DEFAULTS.cooldownSec,
          rearmPct: ALERT_RULE_DEFAULTS.rearmPct,
          priority: 'normal',
          enabled: true,
        });
        expect(created).not.toHaveProperty('name');

        const stored = await loadRule(api.db, created.id);
        const window = 'window' in body ? body.window : undefined;
        expect(stored).toMatchObject({
          type,
          threshold: body.threshold,
          window: window ?? null,
          cooldownSec: 300,
          rearmPct: 0.5,
        });
        expect(stored?.windowMs).toBe(window === undefined ? null : ALERT_WINDOWS_MS[window]);

        const got = await api.call(alice, { url: `/v2/alerts/${created.id}` });
        expect(got.statusCode).toBe(200);
        expect(got.json()).toEqual(created);

        const list = RuleListSchema.parse((await api.call(alice, { url: `/v2/alerts?type=${type}` })).json());
        expect(list.rules.map((rule) => rule.id)).toContain(created.id);

        const patched = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: { threshold: body.threshold * 2, name: 'renamed', cooldownSec: 60, priority: 'high' },
        });
        expect(patched.statusCode).toBe(200);
        expect(patched.json()).toMatchObject({
          ...created,
          threshold: body.threshold * 2,
          name: 'renamed',
          cooldownSec: 60,
          priority: 'high',
          updatedAt: expect.any(String),
        });
        expect(Date.parse(patched.json().updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
        expect(await loadRule(api.db, created.id)).toMatchObject({
          threshold: body.threshold * 2,
          name: 'renamed',
          cooldownSec: 60,
        });

        const deleted = await api.call(alice, { method: 'DELETE', url: `/v2/alerts/${created.id}` });
        expect(deleted.statusCode).toBe(204);
        expect(deleted.body).toBe('');
        const gone = await api.call(alice, { url: `/v2/alerts/${created.id}` });
        expect(gone.statusCode).toBe(404);
        expect(gone.json()).toEqual({ code: 'NOT_FOUND', message: `no alert rule ${created.id} among yours` });
        expect((await api.call(alice, { method: 'DELETE', url: `/v2/alerts/${created.id}` })).statusCode).toBe(404);
        expect(await loadRule(api.db, created.id)).toBeNull();
      });

      it('stores every field given and the creating API key', async () => {
        const { key, id, owner } = await api.key('pro');
        const body = {
          type: 'tvl_change_pct',
          name: 'Aave drains',
          target: { protocolId: 'aave-v3', chain: 'ethereum' },
          threshold: -10,
          window: '5m',
          cooldownSec: 3600,
          rearmPct: 2,
          channels: [{ type: 'websocket' }, { type: 'email', to: 'ops@example.com' }],
          priority: 'critical',
          enabled: false,
        };
        const created = await create(key, body);
        expect(created).toMatchObject(body);
        expect(await loadRule(api.db, created.id)).toMatchObject({
          owner,
          apiKeyId: id,
          chain: 'ethereum',
          windowMs: 300_000,
          enabled: false,
        });
      });

      it('removes the window when the type changes to a level rule with window: null', async () => {
        const created = await create(alice, { ...MINIMAL_RULES.price_change_pct, channels: WEBSOCKET });
        const res = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: { type: 'price_above', threshold: 50_000, window: null },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ type: 'price_above', threshold: 50_000 });
        expect(res.json()).not.toHaveProperty('window');
        expect(await loadRule(api.db, created.id)).toMatchObject({ type: 'price_above', window: null, windowMs: null });
      });
    });

    describe('webhook secrets', () => {
      it('shows a new secret in the create response only, and its prefix afterwards', async () => {
        const created = await create(alice, {
          ...MINIMAL_RULES.price_above,
          channels: [{ type: 'webhook', url: 'https://hooks.example.com/a' }],
        });
        const [channel] = created.channels;
        expect(channel).toEqual({
          type: 'webhook',
          url: 'https://hooks.example.com/a',
          secret: expect.stringMatching(SECRET),
          secretPrefix: expect.any(String),
        });
        const secret = channel?.type === 'webhook' ? (channel.secret as string) : '';
        expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
        expect(created.channels[0]).toMatchObject({ secretPrefix: secret.slice(0, 10) });
        expect(await loadRule(api.db, created.id)).toMatchObject({
          channels: [{ type: 'webhook', url: 'https://hooks.example.com/a', secret }],
        });

        const got = (await api.call(alice, { url: `/v2/alerts/${created.id}` })).json();
        expect(got.channels).toEqual([
          { type: 'webhook', url: 'https://hooks.example.com/a', secretPrefix: secret.slice(0, 10) },
        ]);
        const listed = RuleListSchema.parse((await api.call(alice, { url: '/v2/alerts?limit=100' })).json());
        expect(JSON.stringify(listed)).not.toContain(secret);
        const enabled = await api.call(alice, { method: 'POST', url: `/v2/alerts/${created.id}/enable` });
        expect(JSON.stringify(enabled.json())).not.toContain(secret);
      });

      it('keeps the secret of a URL the rule had and shows a new one for a new URL', async () => {
        const created = await create(alice, {
          ...MINIMAL_RULES.tvl_above,
          channels: [{ type: 'webhook', url: 'https://a.example.com/hook' }],
        });
        const first = await loadRule(api.db, created.id);
        const oldSecret = first?.channels[0]?.type === 'webhook' ? first.channels[0].secret : '';

        const threshold = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: { threshold: 1 },
        });
        expect(JSON.stringify(threshold.json())).not.toContain('"secret"');

        const res = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: {
            channels: [
              { type: 'webhook', url: 'https://a.example.com/hook' },
              { type: 'webhook', url: 'https://b.example.com/hook' },
            ],
          },
        });
        expect(res.statusCode).toBe(200);
        const [kept, added] = res.json().channels;
        expect(kept).toEqual({
          type: 'webhook',
          url: 'https://a.example.com/hook',
          secretPrefix: oldSecret.slice(0, 10),
        });
        expect(added).toEqual({
          type: 'webhook',
          url: 'https://b.example.com/hook',
          secretPrefix: expect.any(String),
          secret: expect.stringMatching(SECRET),
        });
        expect(added.secret).not.toBe(oldSecret);
        const stored = await loadRule(api.db, created.id);
        expect(stored?.channels).toEqual([
          { type: 'webhook', url: 'https://a.example.com/hook', secret: oldSecret },
          { type: 'webhook', url: 'https://b.example.com/hook', secret: added.secret },
        ]);
      });

      it('keeps a disabled endpoint disabled until its channel is sent again', async () => {
        const url = 'https://gone.example.com/hook';
        const created = await create(alice, { ...MINIMAL_RULES.price_below, channels: [{ type: 'webhook', url }] });
        // What delivery does when the endpoint answers 410 Gone.
        await api.db.query(
          `UPDATE alert_rules SET channels = jsonb_set(channels, '{0,disabledAt}', '"2026-01-01T00:00:00.000Z"') WHERE id = $1`,
          [created.id],
        );
        const patched = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: { threshold: 0.98 },
        });
        expect(patched.json().channels[0]).toMatchObject({ url, disabledAt: '2026-01-01T00:00:00.000Z' });
        const resent = await api.call(alice, {
          method: 'PATCH',
          url: `/v2/alerts/${created.id}`,
          payload: { channels: [{ type: 'webhook', url }] },
        });
        expect(resent.json().channels[0]).toEqual({
          type: 'webhook',
          url,
          secretPrefix: created.channels[0]?.type === 'webhook' ? created.channels[0].secretPrefix : '',
        });
      });
    });

    describe('validation', () => {
      const base = { ...MINIMAL_RULES.price_above, channels: WEBSOCKET };
      it.each([
        ['a negative price', 'body.threshold', { ...base, threshold: -1 }, 'body.threshold: expected a number >= 0'],
        [
          'a threshold that is not a number',
          'body.threshold',
          { ...base, threshold: '4000' },
          'body.threshold: expected a number, got a string',
        ],
        [
          'a price rule without tokenId',
          'body.target.tokenId',
          { ...base, target: { chain: 'ethereum' } },
          'body.target.tokenId: required',
        ],
        [
          'a malformed tokenId',
          'body.target.tokenId',
          { ...base, target: { tokenId: 'ETH' } },
          expect.stringMatching(/^body\.target\.tokenId: /),
        ],
        [
          'a change rule without window',
          'body.window',
          { ...MINIMAL_RULES.tvl_change_pct, window: undefined, channels: WEBSOCKET },
          "body.window: required for *_change_pct rules: '5m', '1h' or '24h'",
        ],
        [
          'a level rule with a window',
          'body.window',
          { ...base, window: '1h' },
          'body.window: only *_change_pct rules take a window',
        ],
        [
          'a webhook URL that is not http(s)',
          'body.channels.0.url',
          { ...base, channels: [{ type: 'webhook', url: 'ftp://example.com/x' }] },
          'body.channels.0.url: expected an http or https URL',
        ],
        [
          'an email that is not one',
          'body.channels.0.to',
          { ...base, channels: [{ type: 'email', to: 'nobody' }] },
          'body.channels.0.to: expected an email address',
        ],
        ['no channel', 'body.channels', { ...base, channels: [] }, 'body.channels: expected at least 1 entry'],
        [
          'a channel twice',
          'body.channels.1',
          {
            ...base,
            channels: [
              { type: 'email', to: 'a@example.com' },
              { type: 'email', to: 'A@example.com' },
            ],
          },
          'body.channels.1: repeats channels.0',
        ],
        ['an unknown field', 'body.owner', { ...base, owner: 'someone-else' }, 'body.owner: unknown field'],
        [
          'an unknown field in target',
          'body.target.network',
          { ...base, target: { tokenId: 'coingecko:ethereum', network: 'x' } },
          'body.target.network: unknown field',
        ],
        [
          'an unknown type',
          'body.type',
          { ...base, type: 'volume_above' },
          expect.stringMatching(/^body\.type: expected one of "price_above"/),
        ],
        // PostgreSQL cannot store U+0000: refused before the insert, not a 500 from it.
        [
          'a name with a NUL byte',
          'body.name',
          { ...base, name: 'ETH\u0000up' },
          'body.name: must not contain NUL bytes',
        ],
        [
          'a webhook URL with a NUL byte',
          'body.channels.0.url',
          { ...base, channels: [{ type: 'webhook', url: 'https://example.com/\u0000' }] },
          'body.channels.0.url: must not contain NUL bytes',
        ],
      ])('refuses %s, naming %s', async (_name, field, body, message) => {
        const res = await api.call(alice, { method: 'POST', url: '/v2/alerts', payload: body });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ code: 'BAD_REQUEST', field, message });
      });

      it('refuses a body over 64 KiB with 413 MESSAGE_TOO_LARGE, as docs/alerts.md says', async () => {
        const res = await api.call(alice, {
          method: 'POST',
          url: '/v2/alerts',
          payload: { ...base, name: 'x'.repeat(65 * 1024) },
        });
        expect(res.statusCode).toBe(413);
        expect(res.json()).toEqual({ code: 'MESSAGE_TOO_LARGE', message: 'the request body is larger than 64 KiB' });
      });

      it.each([
        ['GET', ''],
        ['PATCH', ''],
        ['DELETE', ''],
        ['POST', '/enable'],
        ['POST', '/disable'],
        ['POST', '/test'],
        ['GET', '/history'],
      ] as const)('%s /v2/alerts/:id%s refuses an id that is not a uuid, naming params.id', async (method, suffix) => {
        const payload = method === 'PATCH' ? { threshold: 1 } : undefined;
        const res = await api.call(alice, {
          method,
          url: `/v2/alerts/not-a-uuid${suffix}`,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          code: 'BAD_REQUEST',
          field: 'params.id',
          message: 'params.id: expected the uuid format',
        });
      });

      it.each([
        ['/v2/alerts?limit=0', 'query.limit'],
        ['/v2/alerts?limit=101', 'query.limit'],
        ['/v2/alerts?limit=ten', 'query.limit'],
        ['/v2/alerts?enabled=yes', 'query.enabled'],
        ['/v2/alerts?type=price', 'query.type'],
        ['/v2/alerts?cursor=bogus', 'query.cursor'],
        [
          `/v2/alerts?cursor=${Buffer.from(JSON.stringify(['2026-13-01T00:00:00.000000Z', randomUUID()])).toString('base64url')}`,
          'query.cursor',
        ],
        [
          `/v2/alerts?cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000000Z', 'not-a-uuid'])).toString('base64url')}`,
          'query.cursor',
        ],
      ])('GET %s is a 400 naming %s', async (url, field) => {
        const res = await api.call(alice, { url });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          code: 'BAD_REQUEST',
          field,
          message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `)),
        });
      });

      it('refuses a history query with a bad limit or cursor', async () => {
        const rule = await create(alice, base);
        for (const [query, field] of [
          ['limit=0', 'query.limit'],
          ['cursor=%%%', 'query.cursor'],
        ]) {
          const res = await api.call(alice, { url: `/v2/alerts/${rule.id}/history?${query}` });
          expect(res.statusCode).toBe(400);
          expect(res.json().field).toBe(field);
        }
      });

      it.each([
        ['an empty update', 'body', {}, 'body: an update needs at least one field'],
        ['an unknown field', 'body.owner', { owner: 'x', threshold: 5 }, 'body.owner: unknown field'],
        [
          'a bad channel',
          'body.channels.0.url',
          { channels: [{ type: 'webhook', url: 'nope' }] },
          'body.channels.0.url: expected an http or https URL',
        ],
        ['a name with a NUL byte', 'body.name', { name: '\u0000' }, 'body.name: must not contain NUL bytes'],
      ])('PATCH refuses %s, naming %s', async (_name, field, payload, message) => {
        const rule = await create(alice, base);
        const res = await api.call(alice, { method: 'PATCH', url: `/v2/alerts/${rule.id}`, payload });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ code: 'BAD_REQUEST', field, message });
      });

      it('PATCH refuses an update that makes the rule invalid as a whole, and leaves it unchanged', async () => {
        const rule = await create(alice, base);
        for (const [payload, field] of [
          [{ type: 'price_change_pct' }, 'body.window'],
          [{ type: 'tvl_above' }, 'body.target.protocolId'],
          [{ type: 'tvl_change_pct', window: '1h', target: { protocolId: 'aave-v3' }, threshold: 0 }, 'body.threshold'],
        ] as const) {
          const res = await api.call(alice, { method: 'PATCH', url: `/v2/alerts/${rule.id}`, payload });
          expect(res.statusCode).toBe(400);
          expect(res.json()).toMatchObject({
            code: 'BAD_REQUEST',
            field,
            message: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}: `)),
          });
        }
        expect((await api.call(alice, { url: `/v2/alerts/${rule.id}` })).json()).toEqual(rule);
      });
    });

    describe('ownership', () => {
      it('answers 401 without a key or with an unknown one, on every route', async () => {
        const id = randomUUID();
        const routes = [
          ['POST', '/v2/alerts'],
          ['GET', '/v2/alerts'],
          ['GET', `/v2/alerts/${id}`],
          ['PATCH', `/v2/alerts/${id}`],
          ['DELETE', `/v2/alerts/${id}`],
          ['POST', `/v2/alerts/${id}/enable`],
          ['POST', `/v2/alerts/${id}/disable`],
          ['POST', `/v2/alerts/${id}/test`],
          ['GET', `/v2/alerts/${id}/history`],
        ] as const;
        for (const [method, url] of routes) {
          const none = await api.call(undefined, { method, url });
          expect([method, url, none.statusCode, none.json().code]).toEqual([method, url, 401, 'UNAUTHORIZED']);
          const unknown = await api.call('drt_00000000000000000000000000000000', { method, url });
          expect([method, url, unknown.statusCode]).toEqual([method, url, 401]);
        }
      });

      it("answers 404 for another owner's rule on every route and leaves it untouched", async () => {
        const rule = await create(alice, {
          ...MINIMAL_RULES.tvl_below,
          channels: [{ type: 'webhook', url: 'https://alice.example.com/hook' }],
        });
        await api.readOutbox();
        const routes = [
          ['GET', ''],
          ['PATCH', ''],
          ['DELETE', ''],
          ['POST', '/enable'],
          ['POST', '/disable'],
          ['POST', '/test'],
          ['GET', '/history'],
        ] as const;
        for (const [method, suffix] of routes) {
          const payload = method === 'PATCH' ? { threshold: 1 } : undefined;
          const res = await api.call(bob, {
            method,
            url: `/v2/alerts/${rule.id}${suffix}`,
            ...(payload ? { payload } : {}),
          });
          expect([method, suffix, res.statusCode, res.json().code]).toEqual([method, suffix, 404, 'NOT_FOUND']);
        }
        const list = RuleListSchema.parse((await api.call(bob, { url: '/v2/alerts' })).json());
        expect(list.rules.map((r) => r.id)).not.toContain(rule.id);
        const { secret: _shownOnce, ...channel } = rule.channels[0] as { secret?: string };
        expect((await api.call(alice, { url: `/v2/alerts/${rule.id}` })).json()).toEqual({
          ...rule,
          channels: [channel],
        });
        expect(await api.readOutbox()).toEqual([]);
      });
    });

    describe('tier cap', () => {
      it('refuses the 11th rule of a free owner with 403 LIMIT_EXCEEDED, and accepts one again after a delete', async () => {
        const { key } = await api.key('free');
        const created = await Promise.all(
          Array.from({ length: 10 }, () => create(key, { ...MINIMAL_RULES.price_above, channels: WEBSOCKET })),
        );
        const res = await api.call(key, {
          method: 'POST',
          url: '/v2/alerts',
          payload: { ...MINIMAL_RULES.price_above, channels: WEBSOCKET },
        });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('maxAlertRules') });
        expect(res.json().message).toContain('at most 10 rules');
        // Disabled rules count too.
        await api.call(key, { method: 'POST', url: `/v2/alerts/${created[0]?.id}/disable` });
        expect(
          (
            await api.call(key, {
              method: 'POST',
              url: '/v2/alerts',
              payload: { ...MINIMAL_RULES.price_above, channels: WEBSOCKET },
            })
          ).statusCode,
        ).toBe(403);
        await api.call(key, { method: 'DELETE', url: `/v2/alerts/${created[1]?.id}` });
        await create(key, { ...MINIMAL_RULES.price_above, channels: WEBSOCKET });
      });

      it('never lets concurrent creates overshoot the cap', async () => {
        const { key, owner } = await api.key('free');
        const results = await Promise.all(
          Array.from({ length: 14 }, () =>
            api.call(key, {
              method: 'POST',
              url: '/v2/alerts',
              payload: { ...MINIMAL_RULES.tvl_above, channels: WEBSOCKET },
            }),
          ),
        );
        expect(results.map((r) => r.statusCode).sort()).toEqual([...Array(10).fill(201), ...Array(4).fill(403)]);
        const { rows } = await api.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM alert_rules WHERE owner = $1',
          [owner],
        );
        expect(rows[0]?.n).toBe(10);
      });
    });

    describe('enable and disable', () => {
      it('switches a rule and the enabled filter follows', async () => {
        const { key } = await api.key('pro');
        const rule = await create(key, { ...MINIMAL_RULES.price_change_pct, channels: WEBSOCKET });
        const other = await create(key, { ...MINIMAL_RULES.tvl_above, channels: WEBSOCKET });
        const disabled = await api.call(key, { method: 'POST', url: `/v2/alerts/${rule.id}/disable` });
        expect(disabled.statusCode).toBe(200);
        expect(disabled.json()).toMatchObject({ id: rule.id, enabled: false });
        expect(await loadRule(api.db, rule.id)).toMatchObject({ enabled: false });
        const ids = async (query: string) =>
          RuleListSchema.parse((await api.call(key, { url: `/v2/alerts?${query}` })).json()).rules.map((r) => r.id);
        expect(await ids('enabled=false')).toEqual([rule.id]);
        expect(await ids('enabled=true')).toEqual([other.id]);
        const enabled = await api.call(key, { method: 'POST', url: `/v2/alerts/${rule.id}/enable` });
        expect(enabled.json()).toMatchObject({ id: rule.id, enabled: true });
        expect(await ids('enabled=true')).toEqual([other.id, rule.id]);
        expect(await ids('enabled=false')).toEqual([]);
      });
    });

    describe('test-fire', () => {
      it('appends exactly one test Notification to the outbox', async () => {
        await api.readOutbox();
        const rule = await create(alice, {
          ...MINIMAL_RULES.price_change_pct,
          name: 'BTC dump',
          channels: [{ type: 'websocket' }, { type: 'email', to: 'me@example.com' }],
        });
        const res = await api.call(alice, { method: 'POST', url: `/v2/alerts/${rule.id}/test` });
        expect(res.statusCode).toBe(202);
        const { notificationId } = res.json();
        expect(notificationId).toMatch(/^test_[0-9a-f-]{36}$/);
        const entries = await api.readOutbox();
        expect(entries).toHaveLength(1);
        const notification = NotificationSchema.parse(JSON.parse(entries[0] as string));
        const { owner } = (await loadRule(api.db, rule.id)) ?? { owner: '' };
        expect(notification).toEqual({
          id: notificationId,
          ruleId: rule.id,
          owner,
          type: 'price_change_pct',
          priority: 'normal',
          message: expect.stringContaining('Test alert for "BTC dump": coingecko:bitcoin price down 5% in 1h'),
          value: -5,
          threshold: -5,
          target: { tokenId: 'coingecko:bitcoin' },
          firedAt: expect.any(Number),
          eventId: 'test',
          test: true,
        });
        expect(Math.abs(notification.firedAt - Date.now())).toBeLessThan(10_000);
        // A second test is a second notification, not a duplicate of the first.
        const again = await api.call(alice, { method: 'POST', url: `/v2/alerts/${rule.id}/test` });
        expect(again.json().notificationId).not.toBe(notificationId);
        expect(await api.readOutbox()).toHaveLength(1);
      });
    });

    describe('history', () => {
      it("lists the rule's alert events newest first, paged, and only that rule's", async () => {
        const rule = await create(alice, { ...MINIMAL_RULES.price_above, channels: WEBSOCKET });
        const other = await create(alice, { ...MINIMAL_RULES.price_below, channels: WEBSOCKET });
        const empty = RuleHistorySchema.parse((await api.call(alice, { url: `/v2/alerts/${rule.id}/history` })).json());
        expect(empty).toEqual({ events: [], nextCursor: null });
        const { owner } = (await loadRule(api.db, rule.id)) ?? { owner: '' };
        const insert = (id: string, ruleId: string, firedAt: string, value: number) =>
          api.db.query(
            `INSERT INTO alert_events (id, rule_id, owner, fired_at, value, threshold, message, payload) VALUES ($1, $2, $3, $4, $5, 4000, $6, $7)`,
            [id, ruleId, owner, firedAt, value, `ETH above 4,000: ${value}`, JSON.stringify({ value })],
          );
        // Two share a timestamp (to the microsecond): the id breaks the tie, none is lost at a page boundary.
        await insert('ntf_a', rule.id, '2026-01-01T10:00:00.000001Z', 4001);
        await insert('ntf_b', rule.id, '2026-01-01T11:00:00.000002Z', 4002);
        await insert('ntf_c', rule.id, '2026-01-01T11:00:00.000002Z', 4003);
        await insert('ntf_d', rule.id, '2026-01-01T12:00:00.000003Z', 4004);
        await insert('ntf_e', rule.id, '2026-01-01T12:00:00.000004Z', 4005);
        await insert('ntf_other', other.id, '2026-01-01T13:00:00Z', 1);

        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor === null ? '' : `&cursor=${cursor}`;
          const res = await api.call(alice, { url: `/v2/alerts/${rule.id}/history?limit=2${query}` });
          expect(res.statusCode).toBe(200);
          const page = RuleHistorySchema.parse(res.json());
          pages.push(page.events.map((event) => event.id));
          cursor = page.nextCursor;
        } while (cursor !== null && pages.length < 10);
        expect(pages).toEqual([['ntf_e', 'ntf_d'], ['ntf_c', 'ntf_b'], ['ntf_a']]);

        const first = RuleHistorySchema.parse(
          (await api.call(alice, { url: `/v2/alerts/${rule.id}/history?limit=1` })).json(),
        );
        expect(first.events).toEqual([
          {
            id: 'ntf_e',
            firedAt: '2026-01-01T12:00:00.000Z',
            value: 4005,
            threshold: 4000,
            message: 'ETH above 4,000: 4005',
            payload: { value: 4005 },
          },
        ]);
      });
    });

    describe('listing', () => {
      it('pages newest first and stays stable when rules are created between pages', async () => {
        const { key } = await api.key('pro');
        const made: string[] = [];
        for (const type of ALERT_RULE_TYPES.slice(0, 5))
          made.push((await create(key, { ...MINIMAL_RULES[type], channels: WEBSOCKET })).id);
        const newestFirst = [...made].reverse();

        const first = RuleListSchema.parse((await api.call(key, { url: '/v2/alerts?limit=2' })).json());
        expect(first.rules.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
        expect(first.nextCursor).toEqual(expect.any(String));
        const inserted = await create(key, { ...MINIMAL_RULES.tvl_change_pct, channels: WEBSOCKET });
        const second = RuleListSchema.parse(
          (await api.call(key, { url: `/v2/alerts?limit=2&cursor=${first.nextCursor}` })).json(),
        );
        expect(second.rules.map((r) => r.id)).toEqual(newestFirst.slice(2, 4));
        const third = RuleListSchema.parse(
          (await api.call(key, { url: `/v2/alerts?limit=2&cursor=${second.nextCursor}` })).json(),
        );
        expect(third).toEqual({ rules: [expect.objectContaining({ id: newestFirst[4] })], nextCursor: null });

        const all = RuleListSchema.parse((await api.call(key, { url: '/v2/alerts' })).json());
        expect(all.rules.map((r) => r.id)).toEqual([inserted.id, ...newestFirst]);
        const byType = RuleListSchema.parse((await api.call(key, { url: '/v2/alerts?type=price_below' })).json());
        expect(byType.rules.map((r) => r.id)).toEqual([made[1]]);
      });
    });

    describe('OpenAPI', () => {
      it('documents every route with the alerts tag, a summary and its schemas', async () => {
        const doc = (await api.app.inject('/openapi.json')).json();
        const expected = {
          '/v2/alerts': ['get', 'post'],
          '/v2/alerts/{id}': ['delete', 'get', 'patch'],
          '/v2/alerts/{id}/enable': ['post'],
          '/v2/alerts/{id}/disable': ['post'],
          '/v2/alerts/{id}/test': ['post'],
          '/v2/alerts/{id}/history': ['get'],
        };
        for (const [path, methods] of Object.entries(expected)) {
          expect([path, Object.keys(doc.paths[path] ?? {}).sort()]).toEqual([path, methods]);
          for (const method of methods) {
            const operation = doc.paths[path][method];
            expect([path, method, operation.tags]).toEqual([path, method, ['alerts']]);
            expect(operation.summary).toEqual(expect.any(String));
          }
        }
        const createOp = doc.paths['/v2/alerts'].post;
        expect(createOp.requestBody.content['application/json'].schema).toBeDefined();
        expect(Object.keys(createOp.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
        expect(doc.paths['/v2/alerts'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
          'cursor',
          'enabled',
          'limit',
          'type',
        ]);
      });

      it('has every route in the user guide, docs/alerts.md', async () => {
        const guide = readFileSync(resolve(__dirname, '../../../../docs/alerts.md'), 'utf8');
        const doc = (await api.app.inject('/openapi.json')).json();
        const routes = Object.entries(doc.paths as Record<string, object>)
          .filter(([path]) => path.startsWith('/v2/alerts') && !path.startsWith('/v2/alerts/deliveries'))
          .flatMap(([path, operations]) =>
            Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace('{id}', ':id')}`),
          );
        expect(routes).toHaveLength(9);
        for (const route of routes) expect([route, guide.includes(`\`${route}`)]).toEqual([route, true]);
      });
    });
  });
}
