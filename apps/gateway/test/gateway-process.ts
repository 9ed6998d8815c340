import { spawnApp, type AppProcess } from '@defi-realtime/runtime/testing';

/** A gateway running as its own OS process: for cluster, SIGKILL and SIGTERM tests. */
export interface GatewayProcess extends AppProcess {
  nodeId: string;
}

/** Start the gateway as one process (GATEWAY_WORKERS=1) with this environment. */
export async function spawnGateway(env: Record<string, string>, timeoutMs?: number): Promise<GatewayProcess> {
  const app = await spawnApp('gateway', { GATEWAY_WORKERS: '1', ...env }, timeoutMs);
  const listening = app.logs.find((l) => l.msg === 'gateway listening')!;
  return { ...app, nodeId: String(listening.nodeId) };
}
