import { z } from 'zod';

/**
 * The streams that join apps, named once. The event processor appends every event it
 * publishes to `events`; the alert engine's evaluation consumes it. Evaluation appends
 * notifications to `outbox`; delivery consumes it. The events stream's name is the one
 * variable EVENTS_STREAM (see streamsEnvShape), read by both apps.
 */
export const STREAMS = Object.freeze({
  /** Every published event: the default name of the events stream. */
  events: 'events',
  /** Notifications waiting for delivery (inside the alert engine). */
  outbox: 'alerts:outbox',
});

/** The value of EVENTS_STREAM that turns the events feed off. */
export const EVENTS_STREAM_OFF = 'off';

/**
 * The environment variable naming the events stream, for every app that writes or reads
 * it to spread into its env schema: the writer and the readers cannot disagree.
 */
export const streamsEnvShape = {
  /**
   * Queue stream every published event is appended to and the alert engine consumes.
   * `off`: no events feed (the alert engine then cannot evaluate rules).
   */
  EVENTS_STREAM: z
    .string()
    .regex(
      /^[^\s{}*?[\]\\]{1,256}$/,
      'expected a stream name (1-256 characters without spaces, braces or * ? [ ] \\) or off',
    )
    .default(STREAMS.events),
};

/** The parsed variables of streamsEnvShape. */
export type StreamsEnv = z.output<z.ZodObject<typeof streamsEnvShape>>;

/** The stream names a parsed environment resolves to. */
export interface StreamNames {
  /** The events stream; undefined when EVENTS_STREAM=off. */
  events: string | undefined;
  outbox: string;
}

/** The streams to use, from the parsed environment. */
export function streamNames(env: StreamsEnv): StreamNames {
  return { events: env.EVENTS_STREAM === EVENTS_STREAM_OFF ? undefined : env.EVENTS_STREAM, outbox: STREAMS.outbox };
}
