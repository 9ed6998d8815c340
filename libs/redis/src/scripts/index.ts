import { addMember } from './addMember-2';
import { cacheLookup } from './cacheLookup-2';
import { cachePeek } from './cachePeek-2';
import { claimNode } from './claimNode-3';
import { claimStale } from './claimStale-1';
import { commitAlertTransition } from './commitAlertTransition-2';
import { heartbeat } from './heartbeat-2';
import { incrWindow } from './incrWindow-1';
import { listNodes } from './listNodes-1';
import { publishEvent } from './publishEvent-3';
import { reapMembers } from './reapMembers-2';
import { readHistory } from './readHistory-2';
import { removeMember } from './removeMember-2';

/** Every script, by name. Callers refer to scripts only through these names. */
export const scripts = Object.freeze({
  cacheLookup,
  cachePeek,
  publishEvent,
  readHistory,
  incrWindow,
  addMember,
  removeMember,
  reapMembers,
  heartbeat,
  claimNode,
  listNodes,
  claimStale,
  commitAlertTransition,
});

export type ScriptName = keyof typeof scripts;
