import type { DataMessage, SnapshotEntry } from '@defi-realtime/protocol';

// One readable line per update, e.g.
//   12:00:01 price_update token:coingecko:ethereum ETH 3,100.00 (+3.33%)

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** A data message as one line: time, type, channel, what changed. */
export function formatUpdate(update: DataMessage): string {
  return `${clock(update.timestamp)} ${update.type} ${update.channel} ${describe(update)}`;
}

/** One entry of a snapshot as a line like an update's. */
export function formatSnapshotEntry(channel: string, entry: SnapshotEntry): string {
  return `${clock(entry.timestamp)} snapshot ${channel} ${describe(entry)}`;
}

/** `HH:MM:SS` in local time. */
export function clock(timestamp: number): string {
  const d = new Date(timestamp);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A price: two decimals from 1 up, six significant digits below (token prices of 0.000012). */
export function formatPrice(value: number): string {
  return Math.abs(value) >= 1 || value === 0 ? money.format(value) : small.format(value);
}

/** A signed percent with two decimals: `+3.33%`, `-0.50%`. */
export function formatChange(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(2)}%`;
}

function describe(update: DataMessage | SnapshotEntry): string {
  switch (update.type) {
    case 'price_update': {
      const d = update.data;
      return `${d.symbol} ${formatPrice(d.price)} (${formatChange(d.changePercent)})`;
    }
    case 'tvl_update': {
      const d = update.data;
      return `${d.protocolName}${d.chain ? ` on ${d.chain}` : ''} TVL $${compact.format(d.tvl)} (${formatChange(d.changePercent)})`;
    }
    case 'protocol_update': {
      const d = update.data;
      const fields = Object.entries(d.fields).map(([k, v]) => `${k}=${short(v)}`);
      return `${d.protocolName} ${d.change}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}`;
    }
    case 'alert': {
      const d = update.data;
      return `[${d.priority}] ${d.message} (value ${small.format(d.value)}, threshold ${small.format(d.threshold)})`;
    }
  }
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
