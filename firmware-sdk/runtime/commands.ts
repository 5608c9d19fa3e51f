import type {
  CommandMessage,
  DeviceCapabilities,
  ReplyMessage,
  SelfTestResult,
  WireSymbology,
} from '../../protocol/device/messages.js';
import type { ConfigStore } from './config.js';

/** A reply without its `replyTo` (the runtime fills that in). */
export type ReplyBody = Omit<ReplyMessage, 'replyTo'>;

/** What a command does, and what must happen once its reply has been handed to the transport. */
export interface CommandOutcome {
  readonly reply: ReplyBody;
  readonly after?: () => void;
}

/** The runtime as the command handlers see it. */
export interface CommandContext {
  readonly capabilities: DeviceCapabilities;
  readonly config: ConfigStore;
  readonly enabled: boolean;
  setEnabled(on: boolean): void;
  setTrigger(on: boolean): void;
  beep(kind: 'good' | 'bad', count: number): void;
  led(kind: 'good' | 'bad' | 'off', durationMs: number): void;
  configChanged(keys: readonly string[]): void;
  selfTest(): Promise<SelfTestResult>;
  /** Captures an image; returns its id and a function that uploads it, or why it cannot. */
  captureImage(): Promise<{ readonly imageId: number; readonly upload: () => void } | string>;
  testScan(payload: Uint8Array, symbology: WireSymbology): void;
  reboot(): void;
}

const reply = (status: ReplyBody['status'], message = '', extra: Partial<ReplyBody> = {}): ReplyBody => ({
  status,
  message,
  config: {},
  imageId: 0,
  ...extra,
});

const unsupported = (what: string): CommandOutcome => ({
  reply: reply('unsupported', `${what} is not supported`),
});

/** Executes one host command. Never rejects: every failure is a reply. */
export async function executeCommand(cmd: CommandMessage, ctx: CommandContext): Promise<CommandOutcome> {
  const caps = ctx.capabilities;
  switch (cmd.op) {
    case 'enable':
    case 'disable':
      ctx.setEnabled(cmd.op === 'enable');
      return { reply: reply('ok') };
    case 'trigger':
      if (!caps.trigger) return unsupported('a software trigger');
      ctx.setTrigger(cmd.on);
      return { reply: reply('ok') };
    case 'beep':
      if (!caps.beep) return unsupported('beep');
      ctx.beep(cmd.kind, Math.min(Math.max(cmd.count, 1), 10));
      return { reply: reply('ok') };
    case 'led':
      if (!caps.led) return unsupported('LED control');
      ctx.led(cmd.kind, cmd.durationMs);
      return { reply: reply('ok') };
    case 'configGet': {
      if (!caps.config) return unsupported('configuration');
      const r = ctx.config.get(cmd.keys);
      return { reply: r.ok ? reply('ok', '', { config: r.value }) : reply('invalid', r.error) };
    }
    case 'configSet': {
      if (!caps.config) return unsupported('configuration');
      const r = ctx.config.set(cmd.values, cmd.persist);
      if (!r.ok) return { reply: reply('invalid', r.error) };
      ctx.configChanged(Object.keys(r.value));
      return { reply: reply('ok', cmd.persist ? 'persisted' : 'until reboot', { config: r.value }) };
    }
    case 'selfTest': {
      const result = await ctx.selfTest();
      return { reply: reply('ok', result.passed ? 'passed' : 'failed', { selfTest: result }) };
    }
    case 'reboot':
      return { reply: reply('ok', 'rebooting'), after: () => ctx.reboot() };
    case 'captureImage': {
      if (!caps.image) return unsupported('image capture');
      const r = await ctx.captureImage();
      if (typeof r === 'string') return { reply: reply('error', r) };
      return { reply: reply('ok', '', { imageId: r.imageId }), after: r.upload };
    }
    case 'testScan':
      if (!ctx.enabled) return { reply: reply('invalid', 'scanning is disabled') };
      if (cmd.payload.length === 0) return { reply: reply('invalid', 'empty payload') };
      ctx.testScan(cmd.payload, cmd.symbology === 'unknown' ? 'qr_code' : cmd.symbology);
      return { reply: reply('ok') };
    case 'unknown':
      return unsupported('this command');
  }
}
