import { bareWs } from './bare-ws';
import { gateway } from './gateway';
import { socketIo } from './socketio';
import type { Target, TargetName } from './types';

export type { ClientSpec, Publisher, RunContext, ServerSpec, Target, TargetName } from './types';

/** Every target, by the name used on the command line. bare-ws is the baseline of the ratios. */
export const TARGETS: Readonly<Record<TargetName, Target>> = Object.freeze({
  'bare-ws': bareWs,
  socketio: socketIo,
  gateway,
});

export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGETS, name);
}
