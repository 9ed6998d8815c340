import type { RedisContext } from './context';

/** Members removed per script call, so a node with many never blocks Redis for long. */
const REAP_BATCH = 500;

/** Add a member owned by this node; returns the set's size. */
export async function addMember(ctx: RedisContext, setKey: string, member: string): Promise<number> {
  const { client, run, keys, nodeId } = ctx;
  // Index first: a crash between the two leaves an index entry with nothing to clean,
  // never a member nobody would clean.
  await client.sadd(keys.nodeSets(nodeId), setKey);
  return Number(await run('addMember', [keys.members(setKey), keys.memberOwner(setKey, nodeId)], [member, nodeId]));
}

/** Remove a member, whoever owns it; returns the set's size. */
export async function removeMember(ctx: RedisContext, setKey: string, member: string): Promise<number> {
  const { run, keys, nodeId } = ctx;
  return Number(await run('removeMember', [keys.members(setKey), keys.memberOwner(setKey, nodeId)], [member]));
}

/** Remove every member `owner` added (it died or is closing) and forget its index. */
export async function reapMembers(ctx: RedisContext, owner: string): Promise<void> {
  const { client, run, keys } = ctx;
  const setKeys = await client.smembers(keys.nodeSets(owner));
  for (const setKey of setKeys) {
    const scriptKeys = [keys.members(setKey), keys.memberOwner(setKey, owner)];
    while (Number(await run('reapMembers', scriptKeys, [owner, REAP_BATCH])) > 0);
  }
}

/** Take a node off the registry with its index and liveness key (same slot: one MULTI). */
export async function forgetNode(ctx: RedisContext, nodeId: string): Promise<void> {
  const { client, keys } = ctx;
  await client.multi().zrem(keys.nodeRegistry(), nodeId).del(keys.nodeSets(nodeId), keys.nodeAlive(nodeId)).exec();
}
