/** Where an engine is in its life; changed only by start(), close() and simulateCrash(). */
export type EngineStatus = 'idle' | 'starting' | 'running' | 'closing' | 'closed' | 'crashed';

/** Thrown by an engine used before start() resolved or after close(). */
export class EngineNotRunningError extends Error {
  override readonly name = 'EngineNotRunningError';
  readonly code = 'ENGINE_NOT_RUNNING';

  constructor(engine: string, status: EngineStatus, operation: string) {
    super(
      status === 'idle' || status === 'starting'
        ? `${engine}.${operation}() called before start() resolved`
        : `${engine}.${operation}() called after the engine was ${status}`,
    );
  }
}

/** Throw unless `status` is running. */
export function assertRunning(engine: string, status: EngineStatus, operation: string): void {
  if (status !== 'running') throw new EngineNotRunningError(engine, status, operation);
}
