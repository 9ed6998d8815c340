import type { ClientEvents, RealtimeClient, RecoveredEvent, Subscription, Update } from '@defi-realtime/client';

/** Everything a client and one of its subscriptions reported, for assertions. */
export interface Recorder {
  updates: Update[];
  recovered: RecoveredEvent[];
  disconnects: ClientEvents['disconnected'][];
  errors: ClientEvents['error'][];
  states: string[];
  /** The prices delivered on `channel`, in order. */
  prices(channel: string): number[];
  /** The offsets delivered on `channel`, in order. */
  offsets(channel: string): number[];
}

export function record(client: RealtimeClient, subscription: Subscription): Recorder {
  const recorder: Recorder = {
    updates: [],
    recovered: [],
    disconnects: [],
    errors: [],
    states: [],
    prices: (channel) =>
      recorder.updates
        .filter((u) => u.channel === channel)
        .map((u) => (u.type === 'price_update' ? u.data.price : NaN)),
    offsets: (channel) => recorder.updates.filter((u) => u.channel === channel).map((u) => u.position.offset),
  };
  subscription.on('update', (u) => recorder.updates.push(u));
  subscription.on('recovered', (r) => recorder.recovered.push(r));
  client.on('disconnected', (d) => recorder.disconnects.push(d));
  client.on('error', (e) => recorder.errors.push(e));
  client.on('state', (s) => recorder.states.push(s.new));
  return recorder;
}

/** `from, from+1, ..., to`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
