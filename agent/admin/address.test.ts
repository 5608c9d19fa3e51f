import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './address.js';

describe('isLoopbackAddress (default admin: local logins only)', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:127.9.8.7',
    '::FFFF:127.0.0.1',
  ])('%s is local', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([
    '10.0.0.5',
    '192.168.1.10',
    '128.0.0.1',
    '126.255.255.255',
    '0.0.0.0',
    '::',
    '::2',
    '::ffff:10.0.0.1',
    '::ffff:128.0.0.1',
    'fe80::1',
    'localhost', // a name, not an address: the socket never reports one
    '',
    'garbage',
    '127.0.0.1.evil.example',
  ])('%s is not local', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });

  it('a missing address is not local (fail closed)', () => {
    expect(isLoopbackAddress(undefined)).toBe(false);
    expect(isLoopbackAddress(null)).toBe(false);
  });
});
