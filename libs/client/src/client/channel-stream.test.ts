import type { DataMessage, Position } from '@defi-realtime/protocol';
import { ChannelStream } from './channel-stream';

const at = (offset: number, epoch = 'e1'): Position => ({ offset, epoch });
const message = (offset: number, epoch = 'e1'): DataMessage => ({
  type: 'tvl_update',
  channel: 'tvl',
  position: at(offset, epoch),
  timestamp: 1,
  data: { protocolId: 'aave', protocolName: 'Aave', tvl: offset, previousTvl: 0, changePercent: 0, timestamp: 1 },
});
const subscribed = (stream: ChannelStream, position: Position, recovered?: boolean) =>
  stream.answered({
    channel: 'tvl',
    status: 'subscribed',
    position,
    ...(recovered === undefined ? {} : { recovered }),
  });

describe('ChannelStream', () => {
  it('delivers in order and drops an offset already delivered in the same epoch', () => {
    const stream = new ChannelStream('tvl', true);
    subscribed(stream, at(4));
    expect(stream.offer(message(5)).action).toBe('deliver');
    expect(stream.offer(message(5)).action).toBe('drop');
    expect(stream.offer(message(3)).action).toBe('drop');
    expect(stream.offer(message(6)).action).toBe('deliver');
    expect(stream.position).toEqual(at(6));
  });

  it('takes a new epoch as a reset, and says so', () => {
    const stream = new ChannelStream('tvl', true);
    subscribed(stream, at(9));
    expect(stream.offer(message(1, 'e2'))).toEqual({ action: 'deliver', epochChanged: true });
  });

  it('on a gap-free stream, a jump asks for a re-subscribe from the last position and holds what follows', () => {
    const stream = new ChannelStream('tvl', true);
    subscribed(stream, at(1));
    expect(stream.offer(message(2)).action).toBe('deliver');
    expect(stream.offer(message(5))).toEqual({ action: 'gap', since: at(2) });
    expect(stream.offer(message(6)).action).toBe('held');
    // Recovered: the replay (3..6) follows, so what was held is dropped, not delivered twice.
    expect(subscribed(stream, at(2), true)).toEqual({ deliver: [] });
    for (const offset of [3, 4, 5, 6]) expect(stream.offer(message(offset)).action).toBe('deliver');
  });

  it('when the server cannot replay, delivers what it held and continues from the server position', () => {
    const stream = new ChannelStream('tvl', true);
    subscribed(stream, at(1));
    stream.offer(message(4));
    stream.offer(message(5));
    const answer = subscribed(stream, at(7), false);
    expect(answer.deliver.map((m) => m.position.offset)).toEqual([4, 5]);
    expect(stream.position).toEqual(at(7));
    expect(stream.offer(message(8)).action).toBe('deliver');
  });

  it('does not ask twice for a hole the server already could not fill', () => {
    const stream = new ChannelStream('tvl', true);
    subscribed(stream, at(1));
    expect(stream.offer(message(3)).action).toBe('gap');
    subscribed(stream, at(1), true);
    // The replay skips offset 2 (the server refused to deliver it): accepted this time.
    expect(stream.offer(message(3)).action).toBe('deliver');
    expect(stream.offer(message(5)).action).toBe('gap'); // a new hole is a new question
  });

  it('never sees gaps on filtered or throttled streams (they skip offsets by design)', () => {
    const stream = new ChannelStream('tvl', false);
    subscribed(stream, at(1));
    expect(stream.offer(message(10)).action).toBe('deliver');
  });

  it('after a resume that is ahead of what arrived: a gap-free stream asks for the rest, a filtered one moves on', () => {
    const plain = new ChannelStream('tvl', true);
    subscribed(plain, at(3));
    plain.reset();
    expect(subscribed(plain, at(6), true)).toEqual({ deliver: [], gapSince: at(3) });
    expect(plain.offer(message(7)).action).toBe('held');

    const filtered = new ChannelStream('tvl', false);
    subscribed(filtered, at(3));
    filtered.reset();
    expect(subscribed(filtered, at(6), true)).toEqual({ deliver: [] });
    expect(filtered.position).toEqual(at(6));
  });

  it('starts from a position given by the application', () => {
    const stream = new ChannelStream('tvl', true, at(40));
    expect(stream.position).toEqual(at(40));
    expect(stream.offer(message(40)).action).toBe('drop');
    expect(stream.offer(message(41)).action).toBe('deliver');
  });
});
