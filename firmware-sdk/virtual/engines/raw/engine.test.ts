import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../../harness/errors.js';
import { RawEngine } from './engine.js';

const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c));

describe('RawEngine', () => {
  it('sends [AIM prefix] payload terminator, per symbology', () => {
    const out: Uint8Array[] = [];
    const e = new RawEngine({ aim: true, terminator: '\r\n' });
    e.attach((d) => out.push(d));
    e.scan({ payload: new TextEncoder().encode('A') });
    e.scan({ payload: new TextEncoder().encode('B'), symbology: 'data_matrix' });
    expect(text(out)).toEqual([']Q1A\r\n', ']d1B\r\n']);
  });

  it('takes a literal AIM prefix or none, and rejects a malformed one', () => {
    const out: Uint8Array[] = [];
    const e = new RawEngine({ aim: ']Q0', terminator: '' });
    e.attach((d) => out.push(d));
    e.scan({ payload: new Uint8Array([0xd5, 0xc5]) });
    expect([...(out[0] ?? [])]).toEqual([0x5d, 0x51, 0x30, 0xd5, 0xc5]);
    let err: unknown;
    try {
      new RawEngine({ aim: 'Q1' });
    } catch (x) {
      err = x;
    }
    expect(isHarnessError(err) && err.code).toBe('HARNESS_BAD_OPTION');
  });

  it('loses scans while detached or disabled (no queue) and only counts host bytes', () => {
    const out: Uint8Array[] = [];
    const e = new RawEngine();
    e.scan({ payload: new Uint8Array([1]) });
    e.attach((d) => out.push(d));
    e.setEnabled(false);
    e.scan({ payload: new Uint8Array([2]) });
    e.receive(new Uint8Array(5));
    expect(out).toEqual([]);
    expect(e.state).toMatchObject({ lost: 1, scans: 0, receivedBytes: 5, enabled: false });
  });
});
