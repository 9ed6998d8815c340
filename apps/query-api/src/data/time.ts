const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60 };
const DURATION = /^(\d+(?:\.\d+)?)?([wdhm])?$/;

/**
 * Seconds in a duration as DefiLlama's coins API takes it: a number and a unit
 * (`4h`, `30m`, `2d`, `1w`, any case), a unit alone (`d` = one day) or plain seconds
 * (`600`). Undefined when it is none of these.
 */
export function parseDuration(input: string): number | undefined {
  const match = DURATION.exec(input.trim().toLowerCase());
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  const amount = match[1] === undefined ? 1 : Number(match[1]);
  return match[2] === undefined ? amount : amount * UNIT_SECONDS[match[2]]!;
}

const DAY_SECONDS = 86_400;

/** Unix seconds of 00:00 UTC of a day number (days since 1970-01-01), as DefiLlama dates its daily series. */
export function dayToUnix(day: number): number {
  return day * DAY_SECONDS;
}

/** Unix seconds (whole) of a time. */
export function unixSeconds(time: Date | number): number {
  return Math.floor((typeof time === 'number' ? time : time.getTime()) / 1000);
}
