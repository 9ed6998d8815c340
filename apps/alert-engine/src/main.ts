import { runMain } from '@defi-realtime/runtime';
import { loadConfig } from './config';
import { start } from './start';

runMain('alert-engine', () => loadConfig(), start);
