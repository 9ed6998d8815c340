/* What `npm start` prints once everything is up: a pure function of what it started. */

/** The apps of `npm start`, in the order they start (and are listed). */
export const APP_NAMES = ['gateway', 'query-api', 'alert-engine', 'event-processor'] as const;
export type AppName = (typeof APP_NAMES)[number];

export interface BannerFacts {
  /** Base URL of each app, e.g. `http://127.0.0.1:8080`. */
  urls: Readonly<Record<AppName, string>>;
  /** `in memory`, or the Redis URL with its password masked. */
  engine: string;
  /** `PostgreSQL` or the embedded PGlite. */
  database: string;
  /** The simulator streams markets (SIMULATOR not off). */
  simulator: boolean;
  demoKey: string;
  ingestToken: string;
}

/** The gateway's WebSocket endpoint, from its base URL. */
export function realtimeUrl(gatewayUrl: string): string {
  return `${gatewayUrl.replace(/^http/, 'ws')}/v2/realtime`;
}

/**
 * The banner, line by line. Every example command names the gateway with `--url`: the
 * CLI's own default (or a DEFI_REALTIME_URL in the user's shell) may point elsewhere, and
 * a copied command must reach this gateway whatever its port.
 */
export function bannerLines(facts: BannerFacts): string[] {
  const ws = realtimeUrl(facts.urls.gateway);
  const watch = (args: string) => `  npx defi-realtime subscribe ${args} --api-key ${facts.demoKey} --url ${ws}`;
  return [
    '',
    'defi-realtime is running (one process)',
    `  engine:    ${facts.engine}`,
    `  database:  ${facts.database}`,
    `  live data: ${facts.simulator ? 'simulated markets (SIMULATOR=off to stop)' : 'none (SIMULATOR=off): POST /v1/ingest'}`,
    '',
    `  WebSocket        ${ws}`,
    `  demo API key     ${facts.demoKey}   (tier pro)`,
    `  ingest token     ${facts.ingestToken}   (POST ${facts.urls['event-processor']}/v1/ingest, Authorization: Bearer ...)`,
    ...APP_NAMES.map((name) => {
      const url = facts.urls[name];
      return `  ${name.padEnd(16)} ${url}   (${url}/healthz, ${url}/readyz)`;
    }),
    '',
    'Watch the stream:',
    watch('prices'),
    watch('token:coingecko:ethereum --json'),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
}
