import { ApiKeyStore } from '@defi-realtime/auth';
import {
  CREDENTIAL_SUITE_JWT_SECRET,
  describeCredentialForms,
  withQuery,
  type CredentialOutcome,
  type CredentialRequest,
} from '@defi-realtime/auth/testing';
import { startGateway, TestClient } from './helpers';

// The same credential forms and refusals as the query API and the alert engine, at the
// WebSocket handshake. Only a handshake without credentials differs: the socket opens and
// waits for an `authenticate` message (DESIGN: a first message within 5 s).

describeCredentialForms(
  'gateway WebSocket handshake',
  async () => {
    const t = await startGateway({ JWT_SECRET: CREDENTIAL_SUITE_JWT_SECRET, IP_CONNECTIONS_PER_MINUTE: '1000' });
    try {
      const revoked = await new ApiKeyStore(t.db).create({ name: 'revoked', tier: 'pro' });
      await new ApiKeyStore(t.db).revoke(revoked.record.id);
      return {
        validKey: t.keys.pro,
        revokedKey: revoked.key,
        send: (request) => handshake(t.url, request),
        close: () => t.cleanup(),
      };
    } catch (err) {
      await t.cleanup();
      throw err;
    }
  },
  { withoutCredentials: { outcome: 'awaiting-authenticate' } },
);

/** Open a WebSocket with these credentials and say how the gateway took it. */
async function handshake(url: string, { headers, query }: CredentialRequest): Promise<CredentialOutcome> {
  let client: TestClient;
  try {
    // ws hands its headers to http.request, which sends an array as repeated header lines (its type says string only).
    client = await TestClient.connect(withQuery(url, query), { ws: { headers: headers as Record<string, string> } });
  } catch (err) {
    const refusal = (err as { refusal?: { status: number; headers: Record<string, unknown>; body: unknown } }).refusal;
    if (!refusal) throw err;
    return {
      outcome: 'refused',
      status: refusal.status,
      body: refusal.body,
      wwwAuthenticate: refusal.headers['www-authenticate'] as string | undefined,
    };
  }
  try {
    // Authenticated at the handshake, `welcome` comes first; otherwise the request is refused until `authenticate`.
    client.send({ type: 'list_subscriptions', id: 'probe' });
    const first = await client.next((m) => m.type === 'welcome' || m.type === 'error');
    if (first.type === 'welcome') return { outcome: 'accepted' };
    if (first.code === 'UNAUTHORIZED') return { outcome: 'awaiting-authenticate' };
    throw new Error(`unexpected first message ${JSON.stringify(first)}`);
  } finally {
    await client.close();
  }
}
