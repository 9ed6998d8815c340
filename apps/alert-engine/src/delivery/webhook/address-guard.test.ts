import type { LookupAddress } from 'node:dns';
import { PrivateAddressError, classifyAddress, guardedLookup } from './address-guard';

describe('classifyAddress', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    '8.8.8.8',
    '172.15.0.1',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '203.0.113.9',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('names what is refused and how to allow it', () => {
    expect(new PrivateAddressError('10.0.0.1', 'private').message).toBe(
      'address 10.0.0.1 is private; set WEBHOOK_ALLOW_PRIVATE=true to allow',
    );
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
      guardedLookup(host, { all }, (err, address) => resolve({ err, address })),
    );

  it('refuses a name that resolves to loopback, in both callback forms', async () => {
    for (const all of [false, true]) {
      const { err } = await lookup('localhost', all);
      expect(err).toBeInstanceOf(PrivateAddressError);
      expect(err?.message).toMatch(/^address (127\.0\.0\.1|::1) is loopback/);
    }
  });

  it('passes DNS errors through', async () => {
    const { err } = await lookup('no-such-host.invalid', false);
    expect(err?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
