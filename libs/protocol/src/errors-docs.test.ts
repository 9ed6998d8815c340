import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERRORS, ERROR_CODES } from './index';

// docs/errors.md is what client developers read; it must list exactly the registry's
// codes, with the same close codes and HTTP statuses (as fastify's errors test does).

const DOCS = path.resolve(__dirname, '../../../docs/errors.md');

interface DocumentedError {
  closeCode: string;
  httpStatus: string;
}

/** Rows of the table whose first cell is a code in backticks: | `CODE` | close | http | when | what to do | */
function documentedErrors(): Map<string, DocumentedError> {
  const rows = new Map<string, DocumentedError>();
  for (const line of readFileSync(DOCS, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z_]+)`\s*\|([^|]*)\|([^|]*)\|/.exec(line);
    if (match === null) continue;
    const [, code = '', closeCode = '', httpStatus = ''] = match;
    rows.set(code, { closeCode: closeCode.trim(), httpStatus: httpStatus.trim() });
  }
  return rows;
}

const cell = (value: number | undefined): string => (value === undefined ? '-' : String(value));

describe('docs/errors.md', () => {
  const documented = documentedErrors();

  it('documents every registry code', () => {
    const missing = ERROR_CODES.filter((code) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('documents no code the registry lacks', () => {
    const unknown = [...documented.keys()].filter((code) => !(ERROR_CODES as readonly string[]).includes(code));
    expect(unknown).toEqual([]);
  });

  it.each(ERROR_CODES)('gives %s the registry close code and HTTP status', (code) => {
    const definition = ERRORS[code];
    expect(documented.get(code)).toEqual({
      closeCode: cell(definition.closeCode),
      httpStatus: cell(definition.httpStatus),
    });
  });
});
