import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AUTH_REASONS, HTTP_SECURITY_SCHEMES } from '../src/index';

// docs/auth.md is what client developers read for the credential forms: every message a
// client can get from authenticateHttp must be there word for word.

const DOC = readFileSync(path.resolve(__dirname, '../../../docs/auth.md'), 'utf8');

describe('docs/auth.md', () => {
  it.each(Object.entries(AUTH_REASONS))('quotes the %s message', (_name, message) => {
    expect(DOC).toContain(message);
  });

  it.each(Object.entries(HTTP_SECURITY_SCHEMES))('names the %s security scheme', (name) => {
    expect(DOC).toContain(`\`${name}\``);
  });
});
