import { CREDENTIAL_SUITE_JWT_SECRET, describeCredentialForms, sendHttp, withQuery } from '@defi-realtime/auth/testing';
import { createTestDatabase } from '@defi-realtime/db/testing';
import { createLogger } from '@defi-realtime/runtime';
import { loadConfig, start } from '../../src';

// The same credential forms and refusals as the gateway's handshake and the alert engine,
// on the query API as `npm start` runs it (real HTTP on a free port, JWT_SECRET from the env).

describeCredentialForms('query API', async () => {
  const tdb = await createTestDatabase('postgres');
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REFERENCE_REFRESH_MS: '0',
      JWT_SECRET: CREDENTIAL_SUITE_JWT_SECRET,
    });
    const app = await start(config, { logger: createLogger('query-api-test', 'silent'), db: tdb.db });
    const valid = await app.keys.create({ name: 'credential forms', tier: 'pro' });
    const revoked = await app.keys.create({ name: 'revoked', tier: 'pro' });
    await app.keys.revoke(revoked.record.id);
    return {
      validKey: valid.key,
      revokedKey: revoked.key,
      send: ({ headers, query }) => sendHttp(withQuery(`${app.url}/protocols`, query), headers),
      close: async () => {
        await app.close();
        await tdb.cleanup();
      },
    };
  } catch (err) {
    await tdb.cleanup();
    throw err;
  }
});
