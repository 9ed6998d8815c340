import type { Database } from '@defi-realtime/db';
import type { Logger } from '@defi-realtime/runtime';

/** What the routes need. */
export interface RouteDeps {
  db: Database;
  logger: Logger;
  /** The clock (ms), for "current" and default times; tests pin it. @default Date.now */
  now?: () => number;
}
