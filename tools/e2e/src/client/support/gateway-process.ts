import { spawnApp, type AppProcess } from '@defi-realtime/runtime/testing';

/** A gateway OS process (it runs as a child process, as in production: restarts, SIGKILL). */
export interface GatewayProcess extends AppProcess {
  /** `ws://127.0.0.1:<port>/v2/realtime` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` */
  httpUrl: string;
}

/** Start `apps/gateway/src/main.ts` with `env`; resolves once it logged 'gateway listening'. */
export async function spawnGateway(env: Record<string, string>, timeoutMs?: number): Promise<GatewayProcess> {
  const app = await spawnApp('gateway', { GATEWAY_WORKERS: '1', ...env }, timeoutMs);
  return { ...app, httpUrl: app.url, wsUrl: `${app.url.replace(/^http/, 'ws')}/v2/realtime` };
}

/** Stop a gateway with `signal` and wait (bounded) for it to exit; SIGKILL if it lingers. */
export function stopGateway(
  gateway: GatewayProcess,
  signal: NodeJS.Signals = 'SIGKILL',
  timeoutMs = 15_000,
): Promise<void> {
  return gateway.stop(signal, timeoutMs);
}
