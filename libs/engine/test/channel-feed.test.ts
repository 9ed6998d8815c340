import { silentLogger } from '@defi-realtime/redis';
import type { Position } from '@defi-realtime/protocol';
import type { ChannelEvent, HistoryResult } from '../src/engine';
import { ChannelFeed, emptyFeedStats } from '../src/redis/channel-feed';
import { eventually } from './util';

const ev = (offset: number, epoch = 'e1'): ChannelEvent => ({
  channel: 'c',
  position: { offset, epoch },
  payload: String(offset),
});

function feedWith(fetchSince: (since: Position) => Promise<HistoryResult>) {
  const stats = emptyFeedStats();
  const feed = new ChannelFeed('c', { fetchSince, logger: silentLogger, stats });
  const got: number[] = [];
  feed.handlers.add((e) => void got.push(e.position.offset));
  return { feed, got, stats };
}

describe('ChannelFeed', () => {
  it('passes contiguous events through and drops duplicates', () => {
    const { feed, got, stats } = feedWith(() => Promise.reject(new Error('not called')));
    [1, 2, 2, 3, 1].forEach((o) => feed.push(ev(o)));
    expect(got).toEqual([1, 2, 3]);
    expect(stats.duplicatesDropped).toBe(2);
  });

  it('fills a gap from history before delivering what arrived meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetchSince = jest.fn(async (since: Position): Promise<HistoryResult> => {
      await gate;
      expect(since).toEqual({ offset: 2, epoch: 'e1' });
      return { events: [ev(3), ev(4), ev(5)], recovered: true, position: { offset: 5, epoch: 'e1' } };
    });
    const { feed, got, stats } = feedWith(fetchSince);
    feed.push(ev(1));
    feed.push(ev(2));
    feed.push(ev(5)); // 3 and 4 were lost
    feed.push(ev(6)); // arrives while filling
    expect(got).toEqual([1, 2]);
    release();
    await eventually(() => expect(got).toEqual([1, 2, 3, 4, 5, 6]));
    expect(fetchSince).toHaveBeenCalledTimes(1);
    expect(stats.gapsFilled).toBe(1);
    expect(stats.duplicatesDropped).toBe(1);
  });

  it('delivers past a gap history cannot fill, counting it', async () => {
    const { feed, got, stats } = feedWith(async () => ({
      events: [],
      recovered: false,
      position: { offset: 9, epoch: 'e1' },
    }));
    feed.push(ev(1));
    feed.push(ev(9));
    feed.push(ev(10));
    await eventually(() => expect(got).toEqual([1, 9, 10]));
    expect(stats.gapsUnrecoverable).toBe(1);
  });

  it('takes a new epoch as a fresh start, not a gap', () => {
    const { feed, got } = feedWith(() => Promise.reject(new Error('not called')));
    feed.push(ev(7));
    feed.push(ev(1, 'e2'));
    feed.push(ev(2, 'e2'));
    expect(got).toEqual([7, 1, 2]);
  });

  it('validates raw messages and counts malformed ones', () => {
    const { feed, got, stats } = feedWith(() => Promise.reject(new Error('not called')));
    feed.onMessage('1:e1:{"a":1}');
    feed.onMessage('nope');
    expect(got).toEqual([1]);
    expect(stats.malformedMessages).toBe(1);
  });
});
