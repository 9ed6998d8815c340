import { runMain } from '@defi-realtime/runtime';
import { loadConfig } from './config';
import { start } from './start';

runMain('query-api', () => loadConfig(), start);
