/**
 * Tells systemd the agent's state: READY=1 once it serves, WATCHDOG=1 from the event loop while
 * it is alive, STOPPING=1 when the drain begins.
 *
 * Node has no AF_UNIX datagram sockets, and the npm packages that add them (`sd-notify`,
 * `unix-dgram`) are native modules with install scripts. systemd's own `systemd-notify` does the
 * job: since systemd 246 it waits for the manager to take the message (sd_notify_barrier), so a
 * message from this short-lived child is attributed to the unit under `NotifyAccess=all` (the
 * generated unit sets it). Outside systemd (`NOTIFY_SOCKET` unset) every call is a no-op.
 */
import { execFile } from 'node:child_process';

/** Runs `systemd-notify` with these arguments; resolves when it exits. */
export type NotifyExec = (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<void>;

export interface SdNotifierOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly exec?: NotifyExec;
  /** Called when a notification could not be sent (the agent logs it; it never throws). */
  readonly onError?: (e: Error) => void;
  readonly setInterval?: typeof setInterval;
  readonly clearInterval?: typeof clearInterval;
}

const systemdNotify: NotifyExec = (args, env) =>
  new Promise((resolve, reject) => {
    execFile('systemd-notify', [...args], { env, timeout: 5000 }, (err) => (err ? reject(err) : resolve()));
  });

export class SdNotifier {
  private readonly env: NodeJS.ProcessEnv;
  private readonly exec: NotifyExec;
  private readonly onError: (e: Error) => void;
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight = false;

  constructor(private readonly opts: SdNotifierOptions = {}) {
    this.env = opts.env ?? process.env;
    this.exec = opts.exec ?? systemdNotify;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** True when started by systemd with a notify socket. */
  get enabled(): boolean {
    return typeof this.env.NOTIFY_SOCKET === 'string' && this.env.NOTIFY_SOCKET !== '';
  }

  /**
   * The ping period: half of `WATCHDOG_USEC` (as sd_watchdog_enabled(3) advises), or undefined
   * when systemd asked for no watchdog or asked it of another process (`WATCHDOG_PID`).
   */
  get watchdogIntervalMs(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    const pid = this.env.WATCHDOG_PID;
    if (pid !== undefined && pid !== '' && Number(pid) !== process.pid) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  async ready(status?: string): Promise<void> {
    await this.send(['--ready', ...(status ? [`--status=${status}`] : [])]);
    const every = this.watchdogIntervalMs;
    if (every === undefined || this.timer) return;
    const set = this.opts.setInterval ?? setInterval;
    this.timer = set(() => this.ping(), every);
    this.timer.unref?.();
  }

  async stopping(status = 'draining'): Promise<void> {
    this.stopWatchdog();
    await this.send(['STOPPING=1', `--status=${status}`]);
  }

  stopWatchdog(): void {
    if (!this.timer) return;
    (this.opts.clearInterval ?? clearInterval)(this.timer);
    this.timer = undefined;
  }

  /** One WATCHDOG=1, skipped while the previous one is still on its way (never a pile-up). */
  private ping(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    void this.send(['WATCHDOG=1']).finally(() => {
      this.inFlight = false;
    });
  }

  private async send(args: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.exec(args, this.env);
    } catch (e) {
      this.onError(
        new Error(`systemd-notify ${args.join(' ')} failed: ${(e as Error).message}`, { cause: e }),
      );
    }
  }
}
