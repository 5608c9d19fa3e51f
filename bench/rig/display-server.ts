/**
 * The rig's own small HTTP server for the code display page (page.ts): hands out fresh codes
 * (from `nextCode`, the central service's generate: real and single use), records when each was
 * painted, answers the page's clock round trips and tells it each code's verdict (long poll).
 * Loopback by default; nothing but the page and its JSON routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { toRgba } from '../../firmware-sdk/decode/image.js';
import { renderQr } from '../../firmware-sdk/render/render.js';
import { EhcError } from '../../protocol/errors.js';
import { markerCells } from './marker.js';
import { DISPLAY_CSP, DISPLAY_HTML } from './page.js';
import { type ClockOffset, type ClockSample, calibrate } from './report.js';

/** The rig's clock: epoch ms with sub-ms resolution, monotonic within the process. */
export const rigNow = (): number => performance.timeOrigin + performance.now();

export type DisplayMode = 'key' | 'timer' | 'verdict';

export interface DisplayOptions {
  /** A fresh code text each call. */
  readonly nextCode: () => Promise<string>;
  /** Codes to show; after that the page says done. */
  readonly codes: number;
  readonly mode: DisplayMode;
  /** Timer mode: a new code every this many ms. */
  readonly everyMs?: number;
  /** Verdict mode: pause between a verdict and the next code, ms (default 0). */
  readonly gapMs?: number;
  /** A code with no verdict after this many ms is given up (the page moves on in verdict mode). */
  readonly missAfterMs?: number;
  /** Pixels per QR module on the page (default 5). */
  readonly moduleSize?: number;
  readonly host?: string;
  readonly port?: number;
}

export interface ShownCode {
  readonly displayId: number;
  readonly text: string;
  /** Rig clock, from the page's paint instant and the calibrated offset. */
  paintedAt?: number;
  /** The page's own reading, unconverted. */
  paintedPageAt?: number;
  verdict?: string;
  settledAt?: number;
}

const MAX_BODY = 64 * 1024;

export class DisplayServer {
  readonly #o: DisplayOptions;
  readonly #server: Server;
  readonly #codes = new Map<number, ShownCode & { png: Buffer; waiters: Set<() => void> }>();
  readonly #byText = new Map<string, number>();
  #nextId = 1;
  #offset: ClockOffset | undefined;
  #pendingPaint: { displayId: number; at: number }[] = [];
  #doneResolve!: () => void;
  /** Resolves when the page asked for a code past the last one. */
  readonly done: Promise<void>;
  /** Called with each code once its paint instant is known on the rig's clock. */
  onPainted: ((c: ShownCode) => void) | undefined;
  url = '';

  private constructor(o: DisplayOptions) {
    this.#o = o;
    this.done = new Promise((r) => {
      this.#doneResolve = r;
    });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) json(res, 500, { error: e instanceof EhcError ? e.code : 'internal' });
        else res.destroy();
      });
    });
  }

  static async start(o: DisplayOptions): Promise<DisplayServer> {
    if (!Number.isInteger(o.codes) || o.codes < 1 || o.codes > 60_000)
      throw new EhcError('RIG_BAD_OPTION', '"codes" must be an integer 1..60000');
    if (o.mode === 'timer' && !(Number(o.everyMs) >= 100))
      throw new EhcError('RIG_BAD_OPTION', 'timer mode needs "everyMs" ≥ 100');
    const s = new DisplayServer(o);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', (e) =>
        reject(new EhcError('RIG_LISTEN', 'cannot listen for the display page', { cause: e })),
      );
      s.#server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
    });
    const a = s.#server.address() as AddressInfo;
    s.url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
    return s;
  }

  get offset(): ClockOffset | undefined {
    return this.#offset;
  }

  /** Every code handed out, in order. */
  shown(): ShownCode[] {
    return [...this.#codes.values()].map(({ png: _png, waiters: _w, ...c }) => c);
  }

  /** The display id of a code text, if the page was given it. */
  idOf(text: string): number | undefined {
    return this.#byText.get(text);
  }

  /** Records a code's verdict (first one wins) and tells the page. */
  settle(displayId: number, verdict: string): void {
    const c = this.#codes.get(displayId);
    if (!c || c.verdict !== undefined) return;
    c.verdict = verdict;
    c.settledAt = rigNow();
    for (const w of c.waiters) w();
    c.waiters.clear();
  }

  close(): Promise<void> {
    for (const c of this.#codes.values()) for (const w of c.waiters) w();
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': DISPLAY_CSP,
        'cache-control': 'no-store',
      });
      res.end(DISPLAY_HTML);
      return;
    }
    if (req.method === 'GET' && path === '/clock') return json(res, 200, { rig: rigNow() });
    if (req.method === 'GET' && path === '/config')
      return json(res, 200, { mode: this.#o.mode, everyMs: this.#o.everyMs ?? 0, gapMs: this.#o.gapMs ?? 0 });
    const png = /^\/code\/(\d+)\.png$/.exec(path);
    if (req.method === 'GET' && png) {
      const c = this.#codes.get(Number(png[1]));
      if (!c) return json(res, 404, { error: 'no such code' });
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(c.png);
      return;
    }
    const verdict = /^\/verdict\/(\d+)$/.exec(path);
    if (req.method === 'GET' && verdict) return this.#waitVerdict(Number(verdict[1]), res);
    if (req.method !== 'POST') return json(res, 404, { error: 'not found' });
    const body = await readJson(req);
    if (path === '/calibration') {
      const samples = Array.isArray(body.samples) ? (body.samples as ClockSample[]) : [];
      this.#offset = calibrate(samples.filter(isSample));
      for (const p of this.#pendingPaint.splice(0)) this.#painted(p.displayId, p.at);
      return json(res, 200, { offset: this.#offset ?? null });
    }
    if (path === '/painted') {
      const id = Number(body.displayId);
      const at = Number(body.at);
      if (!this.#codes.has(id) || !Number.isFinite(at)) return json(res, 400, { error: 'bad paint report' });
      if (this.#offset) this.#painted(id, at);
      else this.#pendingPaint.push({ displayId: id, at });
      return json(res, 200, {});
    }
    if (path === '/next') {
      if (this.#nextId > this.#o.codes) {
        this.#doneResolve();
        return json(res, 200, { done: true });
      }
      const text = await this.#o.nextCode();
      const displayId = this.#nextId++;
      const img = toRgba(renderQr(text, { moduleSize: this.#o.moduleSize ?? 5, quietZone: 4 }));
      const p = new PNG({ width: img.width, height: img.height });
      p.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);
      this.#codes.set(displayId, { displayId, text, png: PNG.sync.write(p), waiters: new Set() });
      this.#byText.set(text, displayId);
      return json(res, 200, {
        displayId,
        src: `/code/${displayId}.png`,
        size: img.width,
        cells: markerCells(displayId),
      });
    }
    return json(res, 404, { error: 'not found' });
  }

  #painted(displayId: number, pageAt: number): void {
    const c = this.#codes.get(displayId);
    if (!c || c.paintedAt !== undefined || !this.#offset) return;
    c.paintedPageAt = pageAt;
    c.paintedAt = pageAt + this.#offset.offsetMs;
    this.onPainted?.(c);
  }

  #waitVerdict(displayId: number, res: ServerResponse): void {
    const c = this.#codes.get(displayId);
    if (!c) {
      json(res, 404, { error: 'no such code' });
      return;
    }
    const answer = (): void => json(res, 200, c.verdict === undefined ? {} : { verdict: c.verdict });
    if (c.verdict !== undefined) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      c.waiters.delete(done);
      answer();
    }, this.#o.missAfterMs ?? 3000);
    const done = (): void => {
      clearTimeout(timer);
      answer();
    };
    c.waiters.add(done);
  }
}

function isSample(s: unknown): s is ClockSample {
  const x = s as Partial<ClockSample> | null;
  return !!x && Number.isFinite(x.pageBefore) && Number.isFinite(x.rig) && Number.isFinite(x.pageAfter);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new EhcError('RIG_BODY_TOO_LARGE', 'request body over 64 KiB'));
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const v: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        resolve(typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
      } catch (e) {
        reject(new EhcError('RIG_BAD_JSON', 'request body is not JSON', { cause: e }));
      }
    });
    req.on('error', reject);
  });
}
