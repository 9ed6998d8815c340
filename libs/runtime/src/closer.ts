import type { Logger } from './logger';

/**
 * Closes what an app opened, last opened first. An app started with shared resources
 * (the one-process `npm start`) does not own them and never adds them here.
 */
export class Closer {
  private readonly steps: Array<{ name: string; close: () => Promise<unknown> | unknown }> = [];

  constructor(private readonly logger?: Logger) {}

  /** Remember how to close something; returns the thing for chaining. */
  add<T>(name: string, thing: T, close: (thing: T) => Promise<unknown> | unknown): T {
    this.steps.push({ name, close: () => close(thing) });
    return thing;
  }

  /** Close everything in reverse order; one failure is logged and does not stop the rest. */
  async closeAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.close();
      } catch (err) {
        this.logger?.error({ err, resource: step.name }, 'close failed');
      }
    }
  }
}

/**
 * Run an app's start with a fresh Closer: when the start throws (a database down, a bad
 * key file), everything it had opened so far is closed before the error goes on, so a
 * failed start never leaves connections and timers behind.
 */
export async function startClosing<T>(logger: Logger, start: (closer: Closer) => Promise<T>): Promise<T> {
  const closer = new Closer(logger);
  try {
    return await start(closer);
  } catch (err) {
    await closer.closeAll();
    throw err;
  }
}
