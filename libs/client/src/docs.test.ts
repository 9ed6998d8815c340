import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLIENT_ERRORS } from './client/errors';
import { CLIENT_DEFAULTS } from './client/options';

// docs/client.md is the reference users read: it must name every SDK error code and
// state every option's real default.
const doc = readFileSync(resolve(__dirname, '../../../docs/client.md'), 'utf8');

/** The rows of the markdown table whose header starts with `first`. */
function table(first: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('docs/client.md', () => {
  it('lists every SDK error code, with the right temporary flag, and nothing else', () => {
    const rows = table('SDK code');
    expect(rows.map(([code]) => code!.replace(/`/g, '')).sort()).toEqual(Object.keys(CLIENT_ERRORS).sort());
    for (const [code, temporary] of rows) {
      expect({ code, temporary: temporary === 'yes' }).toEqual({
        code,
        temporary: CLIENT_ERRORS[code!.replace(/`/g, '') as keyof typeof CLIENT_ERRORS].temporary,
      });
    }
  });

  it('states the real default of every option', () => {
    const rows = new Map(table('option').map(([name, value]) => [name!.replace(/`/g, ''), value!.replace(/`/g, '')]));
    for (const [name, value] of Object.entries(CLIENT_DEFAULTS)) {
      expect({ name, documented: rows.get(name) }).toEqual({
        name,
        documented: typeof value === 'function' ? 'Math.random' : String(value),
      });
    }
  });
});
