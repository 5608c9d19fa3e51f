import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/devices/vendors/support/clock.js';
import { encodeSsiPacket, SsiDecoder } from './codec.js';
import { SsiCommander } from './commander.js';
import { SSI_SOURCE_DECODER, SSI_SOURCE_HOST, SsiOpcode } from './constants.js';
import { SsiError } from './errors.js';

function setup(maxResends = 2) {
  const clock = new FakeClock();
  const sent: number[][] = [];
  const counts = { resends: 0, naks: 0 };
  const c = new SsiCommander({
    write: async (b) => {
      sent.push(Array.from(b));
    },
    setTimer: clock.setTimer,
    responseTimeoutMs: 2000,
    maxResends,
    onResend: () => counts.resends++,
    onNak: () => counts.naks++,
  });
  const reply = (opcode: number, data: number[] = []) =>
    c.onPacket({ opcode, source: SSI_SOURCE_DECODER, status: 0, data: Uint8Array.from(data) });
  return { clock, sent, counts, c, reply };
}

const statusOf = (bytes: number[]) => new SsiDecoder(SSI_SOURCE_HOST).push(Uint8Array.from(bytes))[0];

describe('SsiCommander (host resend rules)', () => {
  it('resends twice with the retransmit bit after the response time-out, then times out', async () => {
    const { clock, sent, counts, c } = setup();
    const p = c.run({ label: 'BEEP', opcode: SsiOpcode.BEEP, data: Uint8Array.of(1) });
    const rejected = expect(p).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    expect(sent).toHaveLength(1);
    clock.advance(1999);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    clock.advance(2000);
    expect(sent).toHaveLength(3);
    expect(sent.map((b) => b[3])).toEqual([0, 1, 1]);
    expect(statusOf(sent[1]!)).toMatchObject({ type: 'packet' }); // resends carry a valid checksum
    clock.advance(2000);
    await rejected;
    expect(counts.resends).toBe(2);
    expect(clock.pending).toBe(0);
  });

  it('NAK RESEND triggers a resend; BAD_CONTEXT rejects as unsupported; DENIED as a NAK', async () => {
    const { sent, counts, c, reply } = setup();
    const p1 = c.run({ label: 'LED_ON', opcode: SsiOpcode.LED_ON, data: Uint8Array.of(1) });
    expect(reply(SsiOpcode.CMD_NAK, [0x01])).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(
      Array.from(encodeSsiPacket({ opcode: 0xe7, source: 4, status: 1, data: Uint8Array.of(1) })),
    );
    reply(SsiOpcode.CMD_ACK);
    await expect(p1).resolves.toBeUndefined();

    const p2 = c.run({ label: 'BEEP', opcode: SsiOpcode.BEEP, data: Uint8Array.of(0) });
    reply(SsiOpcode.CMD_NAK, [0x02]);
    await expect(p2).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    const p3 = c.run({
      label: 'PARAM_SEND',
      opcode: SsiOpcode.PARAM_SEND,
      data: Uint8Array.of(0xff, 0xee, 1),
    });
    reply(SsiOpcode.CMD_NAK, [0x06]);
    await expect(p3).rejects.toMatchObject({ code: 'DEVICE_NAK' });
    expect(counts).toEqual({ resends: 1, naks: 3 });
  });

  it('a command with a reply waits past the ACK for it; commands run one at a time', async () => {
    const { sent, c, reply } = setup();
    const rev = c.run({ label: 'REQUEST_REVISION', opcode: 0xa3, reply: SsiOpcode.REPLY_REVISION });
    const beep = c.run({ label: 'BEEP', opcode: SsiOpcode.BEEP, data: Uint8Array.of(0) });
    expect(sent).toHaveLength(1);
    reply(SsiOpcode.CMD_ACK);
    expect(sent).toHaveLength(1);
    expect(reply(SsiOpcode.REPLY_REVISION, [0x41])).toBe(true);
    expect((await rev)?.data).toEqual(Uint8Array.of(0x41));
    expect(sent).toHaveLength(2);
    expect(reply(SsiOpcode.DECODE_DATA, [0x1c])).toBe(false);
    reply(SsiOpcode.CMD_ACK);
    await beep;
  });

  it('close() rejects the running and queued commands and every later one', async () => {
    const { clock, c } = setup();
    const a = c.run({ label: 'A', opcode: SsiOpcode.BEEP });
    const b = c.run({ label: 'B', opcode: SsiOpcode.BEEP });
    c.close(new SsiError('DEVICE_DISCONNECTED', 'gone'));
    await expect(a).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await expect(b).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await expect(c.run({ label: 'C', opcode: SsiOpcode.BEEP })).rejects.toMatchObject({
      code: 'DEVICE_DISCONNECTED',
    });
    expect(clock.pending).toBe(0);
  });
});
