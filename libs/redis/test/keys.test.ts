import { createKeys } from '../src/keys';

/** The part of a key Redis Cluster hashes: between the first { and the next }. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open === -1 || close === -1 ? key : key.slice(open + 1, close);
}

describe('createKeys', () => {
  const keys = createKeys('rt');

  it('builds the documented layout', () => {
    expect(keys.history('prices')).toBe('rt:{prices}:hist');
    expect(keys.meta('prices')).toBe('rt:{prices}:meta');
    expect(keys.live('prices')).toBe('rt:{prices}:live');
    expect(keys.state('conn:1')).toBe('rt:state:conn:1');
    expect(keys.counter('ip:1.2.3.4')).toBe('rt:counter:ip:1.2.3.4');
    expect(keys.members('key:abc')).toBe('rt:{members:key:abc}');
    expect(keys.memberOwner('key:abc', 'n1')).toBe('rt:{members:key:abc}:owner:n1');
    expect(keys.nodeRegistry()).toBe('rt:{nodes}:registry');
    expect(keys.nodeAlive('n1')).toBe('rt:{nodes}:alive:n1');
    expect(keys.nodeClaim('n1')).toBe('rt:{nodes}:claim:n1');
    expect(keys.nodeSets('n1')).toBe('rt:{nodes}:sets:n1');
    expect(keys.pattern()).toBe('rt:*');
  });

  it('puts the keys one script touches in one cluster slot', () => {
    const channel = 'token:ethereum:0xa0b8';
    expect(new Set([keys.history(channel), keys.meta(channel), keys.live(channel)].map(hashTag))).toEqual(
      new Set([channel]),
    );
    expect(hashTag(keys.members('s'))).toBe(hashTag(keys.memberOwner('s', 'n1')));
    const nodeKeys = [keys.nodeRegistry(), keys.nodeAlive('a'), keys.nodeClaim('a'), keys.nodeSets('a')];
    expect(new Set(nodeKeys.map(hashTag))).toEqual(new Set(['nodes']));
  });

  it.each(['', 'has space', 'a{b', 'x*', 'x'.repeat(65)])('rejects the prefix %j', (prefix) => {
    expect(() => createKeys(prefix)).toThrow(TypeError);
  });

  it.each(['', 'a b', 'a}b', 'a{b', 'a*', 'a?'])('rejects the name %j', (name) => {
    expect(() => keys.history(name)).toThrow(/Invalid channel/);
    expect(() => keys.state(name)).toThrow(/Invalid state key/);
  });
});
