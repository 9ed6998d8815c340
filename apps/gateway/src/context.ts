import type { Authenticator, Principal } from '@defi-realtime/auth';
import type { Engine } from '@defi-realtime/engine';
import type { Limiter } from '@defi-realtime/rate-limit';
import type { Logger } from '@defi-realtime/runtime';
import type { ConnectionQuotas } from './cluster/quotas';
import type { GatewayConfig } from './config';
import type { Connection } from './connection/connection';
import type { GatewayMetrics } from './metrics';
import type { ResumeStore } from './recovery/resume-store';
import type { ChannelHub } from './routing/hub';

/** Everything the gateway's parts share: built once in `start()`, passed down explicitly. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly nodeId: string;
  readonly engine: Engine;
  readonly hub: ChannelHub;
  readonly authenticator: Authenticator;
  readonly ipLimiter: Limiter;
  readonly quotas: ConnectionQuotas;
  readonly resumeStore: ResumeStore;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Audit lines (connect, auth failure, disconnect, forced closes): one per event, never a key. */
  readonly audit: Logger;
  readonly connections: Set<Connection>;
  /** Free-tier limits, applied to connections that have not authenticated yet. */
  readonly anonymousLimits: Principal['limits'];
  draining: boolean;
}
