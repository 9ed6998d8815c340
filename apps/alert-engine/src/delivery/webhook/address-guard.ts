import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

/**
 * The SSRF guard: webhook URLs are chosen by users, so without it anyone could make the
 * alert engine POST to the cloud metadata service (169.254.169.254), the Redis next to it
 * or an admin page on 127.0.0.1. The check runs on the address actually connected to (the
 * socket's DNS lookup), so a name that resolved to a public address when the rule was
 * created and to a private one later (DNS rebinding) is still refused.
 */

/** Why an address is refused; null when it is a public unicast address. */
export type AddressClass =
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'carrier-grade NAT'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'broadcast';

/** A permanent failure: retrying cannot make the address public. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  readonly code = 'ERR_WEBHOOK_PRIVATE_ADDRESS';
  constructor(
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(`address ${address} is ${addressClass}; set WEBHOOK_ALLOW_PRIVATE=true to allow`);
  }
}

/** The class of a non-public IPv4 or IPv6 address, or null for a public one (and for non-addresses). */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return classifyIPv4(ipv4Octets(bare));
  if (version === 6) return classifyIPv6(bare);
  return null;
}

/** Throw a PrivateAddressError unless `address` is public. */
export function assertPublicAddress(address: string): void {
  const addressClass = classifyAddress(address);
  if (addressClass !== null) throw new PrivateAddressError(address, addressClass);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A drop-in for `dns.lookup` (the `lookup` option of net/tls connect, and of undici's
 * Agent `connect`) that fails with a PrivateAddressError when any resolved address is not
 * public. Any, not all: with several answers the socket may try each in turn.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const { address } of addresses) {
      const addressClass = classifyAddress(address);
      if (addressClass !== null)
        return callback(new PrivateAddressError(address, addressClass) as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    return callback(null, first.address, first.family);
  });
}

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

function classifyIPv4([a = 0, b = 0, c = 0, d = 0]: number[]): AddressClass | null {
  if (a === 0) return 'unspecified'; // 0.0.0.0/8: "this network"
  if (a === 10) return 'private';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  if (a >= 240) return 'reserved';
  return null;
}

function classifyIPv6(address: string): AddressClass | null {
  const groups = ipv6Groups(address);
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  const [first = 0] = groups;
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((first & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 address itself: judge that one.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return classifyIPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  }
  return null;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 converted). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] as string; // drop a zone id (fe80::1%eth0)
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(dotted[1] as string);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}
