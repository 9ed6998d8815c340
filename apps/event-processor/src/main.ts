import { runMain } from '@defi-realtime/runtime';
import { loadConfig } from './config';
import { start } from './start';

runMain('event-processor', () => loadConfig(), start);
