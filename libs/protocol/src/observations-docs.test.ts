import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EARLIEST_OBSERVATION_MS,
  MAX_CHANGE_PERCENT,
  MAX_CLOCK_SKEW_MS,
  MAX_INGEST_RECORDS,
  MAX_USD_VALUE,
} from './index';

// docs/ingest.md is what producers read: the window and bounds it states must be the ones
// the schemas enforce.

/** The page with line breaks as spaces: a sentence may wrap anywhere. */
const doc = readFileSync(path.resolve(__dirname, '../../../docs/ingest.md'), 'utf8').replace(/\s+/g, ' ');

describe('docs/ingest.md', () => {
  it('states the timestamp window, the value bounds and the change clamp in force', () => {
    expect(doc).toContain(`**${new Date(EARLIEST_OBSERVATION_MS).toISOString().replace('.000Z', 'Z')}**`);
    expect(doc).toContain(`**${MAX_CLOCK_SKEW_MS / 60_000} minutes past the event processor's clock**`);
    expect(doc).toContain(`at most 10^${Math.log10(MAX_USD_VALUE)} USD`);
    expect(doc).toContain(`\`[-100, 10^${Math.log10(MAX_CHANGE_PERCENT)}]\``);
    expect(doc).toContain(`at most ${MAX_INGEST_RECORDS.toLocaleString('en-US')}`);
  });
});
