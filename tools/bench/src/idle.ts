import { sleep } from './clock';
import { machineCpuMicros } from './proc-stats';

/** Below this (percent of one core, whole machine) the machine counts as idle. */
const IDLE_PERCENT = 30;
const SAMPLE_MS = 1000;
const QUIET_SAMPLES = 3;

/**
 * On a shared machine, wait (at most `maxWaitS`) until nothing else is running: three
 * one-second samples in a row under 30 % of a core. Resolves with the last sample, so the
 * result can say how busy the machine was when the target started.
 */
export async function waitForIdleMachine(maxWaitS: number, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + maxWaitS * 1000;
  let quiet = 0;
  let busy = 0;
  let logged = false;
  while (quiet < QUIET_SAMPLES && Date.now() < deadline) {
    busy = await sampleBusyPercent();
    quiet = busy < IDLE_PERCENT ? quiet + 1 : 0;
    if (quiet === 0 && !logged) {
      log(`machine busy (${busy.toFixed(0)} % of a core): waiting up to ${maxWaitS} s for it to go idle`);
      logged = true;
    }
  }
  if (quiet < QUIET_SAMPLES) log(`machine still busy (${busy.toFixed(0)} % of a core): starting anyway`);
  return busy;
}

async function sampleBusyPercent(): Promise<number> {
  const before = machineCpuMicros();
  await sleep(SAMPLE_MS);
  const after = machineCpuMicros();
  return ((after.busy - before.busy - (after.steal - before.steal)) / (SAMPLE_MS * 1000)) * 100;
}
