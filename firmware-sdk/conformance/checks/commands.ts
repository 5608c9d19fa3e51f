import { crc32 } from '../../../protocol/device/crc.js';
import type {
  CommandMessage,
  DeviceCapabilities,
  ImageChunkMessage,
  ReplyMessage,
  ReplyStatus,
} from '../../../protocol/device/messages.js';
import { type CheckContext, type CheckSpec, fail, pass } from '../context.js';

interface Answer {
  readonly ok: boolean;
  readonly note: string;
  readonly reply?: ReplyMessage;
}

/**
 * Sends a command and judges its reply: it must come within the deadline, echo the command's seq,
 * and have one of `statuses` (`unsupported` is also fine when the device announced it lacks
 * `capability`).
 */
async function answered(
  ctx: CheckContext,
  cmd: CommandMessage,
  deadlineMs: number,
  capability?: keyof DeviceCapabilities,
  statuses: readonly ReplyStatus[] = ['ok'],
): Promise<Answer> {
  const { reply, ms, seq } = await ctx.peer.command(cmd, deadlineMs);
  const what = `${cmd.op} (seq ${seq})`;
  if (!reply) return { ok: false, note: `${what}: no reply within ${deadlineMs} ms` };
  const lacks = capability !== undefined && ctx.info?.capabilities[capability] === false;
  const allowed = lacks ? [...statuses, 'unsupported'] : statuses;
  const note = `${what}: ${reply.status} in ${Math.round(ms)} ms${reply.message ? ` (${reply.message})` : ''}`;
  return { ok: allowed.includes(reply.status), note, reply };
}

function simple(
  id: string,
  title: string,
  cmds: readonly CommandMessage[],
  capability?: keyof DeviceCapabilities,
): CheckSpec {
  return {
    id,
    title,
    async run(ctx) {
      const notes: string[] = [];
      let ok = true;
      for (const c of cmds) {
        const a = await answered(ctx, c, ctx.timeouts.commandMs, capability);
        notes.push(a.note);
        ok &&= a.ok;
      }
      return { pass: ok, evidence: notes.join('; ') };
    },
  };
}

const configGet: CheckSpec = {
  id: 'command.config-get',
  title: 'config_get is answered with the settings in effect',
  async run(ctx) {
    const a = await answered(ctx, { op: 'configGet', keys: [] }, ctx.timeouts.commandMs, 'config');
    const keys = Object.keys(a.reply?.config ?? {});
    return { pass: a.ok, evidence: `${a.note}; ${keys.length} settings: ${keys.join(', ')}` };
  },
};

const configSet: CheckSpec = {
  id: 'command.config-set',
  title: 'config_set (temporary) is answered and echoes the value now in effect',
  async run(ctx) {
    const got = await answered(ctx, { op: 'configGet', keys: [] }, ctx.timeouts.commandMs, 'config');
    const first = Object.entries(got.reply?.config ?? {})[0];
    if (!got.ok) return fail(`could not read a setting to write back: ${got.note}`);
    if (!first) return pass(`${got.note}; the device has no settings to write back`);
    const [key, value] = first;
    const set = await answered(
      ctx,
      { op: 'configSet', values: { [key]: value }, persist: false },
      ctx.timeouts.commandMs,
      'config',
    );
    const echoed = set.reply?.status !== 'ok' || set.reply.config[key] === value;
    return {
      pass: set.ok && echoed,
      evidence: `${set.note}; wrote back ${key}=${value}${echoed ? '' : `, reply echoed ${set.reply?.config[key]}`}`,
    };
  },
};

const selfTest: CheckSpec = {
  id: 'command.self-test',
  title: 'self_test is answered within its (slow) deadline and passes',
  async run(ctx) {
    const a = await answered(ctx, { op: 'selfTest' }, ctx.timeouts.slowCommandMs);
    const st = a.reply?.selfTest;
    const lines =
      st?.checks.map((c) => `${c.name} ${c.passed ? 'ok' : `FAILED ${c.detail}`}`).join(', ') ?? 'no result';
    return { pass: a.ok && st?.passed === true, evidence: `${a.note}; ${lines}` };
  },
};

const captureImage: CheckSpec = {
  id: 'command.capture-image',
  title: 'capture_image is answered, then the image arrives in chunks with a good CRC-32',
  async run(ctx) {
    const from = ctx.peer.log.length;
    const a = await answered(ctx, { op: 'captureImage' }, ctx.timeouts.commandMs, 'image', ['ok', 'error']);
    if (!a.ok || a.reply?.status !== 'ok') return { pass: a.ok, evidence: a.note };
    const id = a.reply.imageId;
    const chunks = new Map<number, ImageChunkMessage>();
    let count = 1;
    await ctx.peer.waitFor(
      (r) => {
        const b = r.env.body;
        if (b.case === 'imageChunk' && b.value.imageId === id) {
          chunks.set(b.value.index, b.value);
          count = b.value.count;
        }
        return chunks.size >= count;
      },
      ctx.timeouts.slowCommandMs,
      from,
    );
    if (chunks.size < count) return fail(`${a.note}; image ${id}: ${chunks.size} of ${count} chunks arrived`);
    const parts = [...chunks.values()];
    const total = parts[0]?.totalBytes ?? 0;
    const data = new Uint8Array(total);
    for (const c of parts) if (c.offset + c.data.length <= total) data.set(c.data, c.offset);
    const good = crc32(data) === parts[0]?.crc32;
    const shape = `${parts[0]?.format} ${parts[0]?.width}×${parts[0]?.height}, ${total} B in ${count} chunks`;
    return { pass: good, evidence: `${a.note}; image ${id}: ${shape}, CRC-32 ${good ? 'ok' : 'MISMATCH'}` };
  },
};

const unknown: CheckSpec = {
  id: 'command.unknown',
  title: 'a command with an unknown operation is answered unsupported, not ignored',
  async run(ctx) {
    const a = await answered(ctx, { op: 'unknown' }, ctx.timeouts.commandMs, undefined, [
      'unsupported',
      'invalid',
    ]);
    return { pass: a.ok, evidence: a.note };
  },
};

/** Every command of the protocol except reboot (which runs last). */
export const commandChecks: readonly CheckSpec[] = [
  simple('command.disable', 'disable is answered within its deadline', [{ op: 'disable' }]),
  simple('command.enable', 'enable is answered within its deadline', [{ op: 'enable' }]),
  simple(
    'command.trigger',
    'trigger on and off are answered within their deadline',
    [
      { op: 'trigger', on: true },
      { op: 'trigger', on: false },
    ],
    'trigger',
  ),
  simple(
    'command.beep',
    'beep is answered within its deadline',
    [{ op: 'beep', kind: 'good', count: 1 }],
    'beep',
  ),
  simple(
    'command.led',
    'LED on and off are answered within their deadline',
    [
      { op: 'led', kind: 'good', durationMs: 200 },
      { op: 'led', kind: 'off', durationMs: 0 },
    ],
    'led',
  ),
  configGet,
  configSet,
  selfTest,
  captureImage,
  unknown,
];
