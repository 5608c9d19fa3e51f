import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../test/devices/support/recording-io.js';
import { createRawDriver } from './driver.js';
import { rawOptionsFromSettings } from './options.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('raw-text driver', () => {
  it('turns terminated payloads into scans with AIM, charset and byte timestamps', async () => {
    const io = recordingIo();
    const d = createRawDriver();
    const info = await d.start(io);
    expect(info.model).toBe('raw-text scanner');
    d.receive(enc(']Q1电子健康卡:'), 5n);
    d.receive(Uint8Array.from([...iconv.encode('ABC张三', 'gbk'), 0x0d]), 9n);
    expect(io.scans).toHaveLength(1);
    const s = io.scans[0]!;
    expect(s.aimId).toBe('Q1');
    expect(s.symbology).toBe('qr_code');
    expect(s.symbologySource).toBe('aim');
    // Mixed UTF-8 + GBK bytes are neither; this checks the scan is still delivered and flagged.
    expect(io.errors.map((e) => e.code)).toEqual(['DEVICE_PAYLOAD_CHARSET']);
    expect(s.firstByteNs).toBe(5n);
    expect(s.lastByteNs).toBe(9n);
    expect(d.stats.scans).toBe(1);
  });

  it('decodes Chinese payloads in UTF-8 and GBK, including 1–2 KB ones', async () => {
    const io = recordingIo();
    const d = createRawDriver();
    await d.start(io);
    const utf8 = '电子健康卡 张三 ABC123';
    const gbk = '电子健康卡 李四';
    const big = `EHC:${'卫生健康委员会电子健康卡'.repeat(50)}`; // ~1.8 KB in UTF-8
    d.receive(Uint8Array.from([...enc(utf8), 0x0d, 0x0a]), 1n);
    d.receive(Uint8Array.from([...iconv.encode(gbk, 'gbk'), 0x0d]), 2n);
    const bigBytes = enc(big);
    expect(bigBytes.length).toBeGreaterThan(1024);
    expect(bigBytes.length).toBeLessThan(2048);
    for (let i = 0; i < bigBytes.length; i += 7) d.receive(bigBytes.subarray(i, i + 7), BigInt(10 + i));
    d.receive(enc('\r'), 9999n);
    expect(io.scans.map((s) => [s.text, s.charset])).toEqual([
      [utf8, 'utf-8'],
      [gbk, 'gbk'],
      [big, 'utf-8'],
    ]);
    expect(io.scans[2]?.firstByteNs).toBe(10n);
    expect(io.errors).toEqual([]);
  });

  it('property: any chunking gives the same scans', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('电子健康卡', 'ABC:123', '张三', ']Q1X', '0000'), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (texts, gbk, cuts) => {
          const stream = Buffer.concat(
            texts.flatMap((t) => [gbk ? iconv.encode(t, 'gbk') : Buffer.from(t), Buffer.from('\r\n')]),
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const io = recordingIo();
          const d = createRawDriver();
          await d.start(io);
          let from = 0;
          for (const p of [...points, stream.length]) {
            d.receive(stream.subarray(from, p), 0n);
            from = p;
          }
          const expected = texts.map((t) => (t.startsWith(']Q1') ? t.slice(3) : t));
          expect(io.scans.map((s) => s.text)).toEqual(expected);
        },
      ),
    );
  });

  it('ends a payload when the line goes quiet (inter-byte timeout), not before', async () => {
    const io = recordingIo();
    const d = createRawDriver({ terminator: 'none', interByteTimeoutMs: 50 });
    await d.start(io);
    d.receive(enc('HELLO'), 0n);
    io.clock.advance(30);
    d.receive(enc(' WORLD'), 1n);
    io.clock.advance(49);
    expect(io.scans).toEqual([]);
    io.clock.advance(1);
    expect(io.scans.map((s) => s.text)).toEqual(['HELLO WORLD']);
    expect(io.clock.pendingTimers).toBe(0);
    // With a terminator, the timeout also ends an unterminated payload.
    const io2 = recordingIo();
    const d2 = createRawDriver({ interByteTimeoutMs: 20 });
    await d2.start(io2);
    d2.receive(enc('A\rB'), 0n);
    expect(io2.scans.map((s) => s.text)).toEqual(['A']);
    io2.clock.advance(20);
    expect(io2.scans.map((s) => s.text)).toEqual(['A', 'B']);
  });

  it('unplug mid-frame: the partial payload is dropped and counted, its timer cancelled, no scan', async () => {
    const io = recordingIo();
    const d = createRawDriver();
    await d.start(io);
    d.receive(enc('DONE\rPART'), 0n);
    d.reset({ reason: 'unplugged' });
    expect(d.stats.partialDropped).toBe(1);
    expect(io.clock.pendingTimers).toBe(0);
    io.clock.advance(1000);
    expect(io.scans.map((s) => s.text)).toEqual(['DONE']);
    // A new connection starts clean.
    const io2 = recordingIo();
    await d.start(io2);
    d.receive(enc('NEXT\r'), 0n);
    expect(io2.scans.map((s) => s.text)).toEqual(['NEXT']);
    d.reset({ reason: 'closed' });
    expect(d.stats.partialDropped).toBe(1);
  });

  it('drops and reports an oversized payload, then keeps scanning', async () => {
    const io = recordingIo();
    const d = createRawDriver({ maxFrameBytes: 16 });
    await d.start(io);
    d.receive(enc(`${'X'.repeat(40)}\rOK\r`), 0n);
    expect(io.scans.map((s) => s.text)).toEqual(['OK']);
    expect(d.stats.bytesSkipped).toBe(40);
    expect(io.errors.map((e) => e.code)).toEqual(['DEVICE_MESSAGE_TOO_LARGE']);
  });

  it('rejects commands a raw-text scanner cannot perform', async () => {
    const d = createRawDriver();
    await expect(d.trigger(true)).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(d.beep('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(d.led('bad')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(d.enable(true)).resolves.toBeUndefined();
  });

  it('validates options, also from untyped settings', () => {
    expect(() => createRawDriver({ terminator: 'none', interByteTimeoutMs: 0 })).toThrow(/inter-byte/);
    expect(() => createRawDriver({ interByteTimeoutMs: -1 })).toThrow(/interByteTimeoutMs/);
    expect(() => createRawDriver({ maxFrameBytes: 0 })).toThrow(/maxFrameBytes/);
    expect(rawOptionsFromSettings({ terminator: 'hex:0304', interByteTimeoutMs: '75' })).toEqual({
      terminator: Uint8Array.of(3, 4),
      interByteTimeoutMs: 75,
    });
    expect(() => rawOptionsFromSettings({ terminator: 'tab' })).toThrow(/terminator/);
    expect(() => rawOptionsFromSettings({ maxFrameBytes: 'lots' })).toThrow(/maxFrameBytes/);
  });
});
