import type { ChannelEvent } from '../src/engine';
import { RingBuffer } from '../src/memory/ring-buffer';
import { resolveEngineOptions } from '../src/options';
import { recoveryResult, resolveQuery } from '../src/recovery';
import { parseLiveMessage } from '../src/redis/live-message';

describe('parseLiveMessage', () => {
  it('reads offset, epoch and the payload verbatim (colons included)', () => {
    expect(parseLiveMessage('prices', '42:Ab_-9:{"a":"x:y"}')).toEqual({
      channel: 'prices',
      position: { offset: 42, epoch: 'Ab_-9' },
      payload: '{"a":"x:y"}',
    });
    expect(parseLiveMessage('c', '1:e:')?.payload).toBe('');
  });

  it.each([
    '',
    'x',
    '0:e:p',
    '01:e:p',
    '-1:e:p',
    '1::p',
    '1:e p:p',
    '1:e',
    `1:${'e'.repeat(65)}:p`,
    '1234567890123456:e:p',
  ])('rejects %j', (message) => expect(parseLiveMessage('c', message)).toBeNull());
});

describe('recoveryResult', () => {
  const top = { offset: 5, epoch: 'e' };
  const ev = (offset: number): ChannelEvent => ({ channel: 'c', position: { offset, epoch: 'e' }, payload: '' });

  it('recovers only exactly since+1..top', () => {
    expect(recoveryResult(top, { offset: 2, epoch: 'e' }, 10, [ev(3), ev(4), ev(5)]).recovered).toBe(true);
    expect(recoveryResult(top, { offset: 2, epoch: 'e' }, 10, [ev(4), ev(5)]).recovered).toBe(false);
    expect(recoveryResult(top, { offset: 2, epoch: 'e' }, 10, [ev(3), ev(5), ev(6)]).recovered).toBe(false);
    expect(recoveryResult(top, { offset: 2, epoch: 'e' }, 2, [ev(3), ev(4), ev(5)]).recovered).toBe(false);
    expect(recoveryResult(top, { offset: 2, epoch: 'x' }, 10, [ev(3), ev(4), ev(5)]).recovered).toBe(false);
  });

  it('clamps the limit to the history size and validates the query', () => {
    expect(resolveQuery({ limit: 10_000 }, 100)).toEqual({ since: undefined, limit: 100 });
    expect(() => resolveQuery({ limit: 1.5 }, 100)).toThrow(TypeError);
    expect(() => resolveQuery({ since: { offset: 1, epoch: '' } }, 100)).toThrow(TypeError);
  });
});

describe('RingBuffer', () => {
  it('keeps the newest items in order and resizes keeping the newest', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.slice(0, 10)).toEqual([3, 4, 5]);
    ring.resize(2);
    expect(ring.slice(0, 10)).toEqual([4, 5]);
    ring.resize(4);
    ring.push(6);
    expect(ring.slice(0, 10)).toEqual([4, 5, 6]);
    expect(ring.at(5)).toBeUndefined();
  });
});

describe('resolveEngineOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveEngineOptions({ nodeId: 'n' })).toEqual({
      nodeId: 'n',
      historySize: 5_000,
      historyTtlMs: 300_000,
      heartbeatMs: 5_000,
      nodeTimeoutMs: 10_000,
    });
    expect(resolveEngineOptions().nodeId).toMatch(/^node-[0-9a-f]{12}$/);
    expect(Object.isFrozen(resolveEngineOptions())).toBe(true);
  });
});
