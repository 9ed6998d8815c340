import { resolve } from 'node:path';
import { describeServiceBasics } from '@defi-realtime/runtime/testing';
import { loadConfig, start } from './index';

describeServiceBasics({
  name: 'event-processor',
  loadConfig,
  start,
  mainPath: resolve(__dirname, 'main.ts'),
  checks: ['database', 'engine'],
});
