/**
 * The virtual camera: headless Chromium shows the code page; the rig takes its frames with the
 * DevTools protocol's screencast (JPEG, one per compositor frame that changed — the page's
 * clock line changes every animation frame, so frames keep coming) and hands each to a
 * `FrameCamera` (firmware-sdk: degradation + the real decoder), which reports what it reads to
 * the native terminal the agent drives. Frames are processed latest-first: when the decoder is
 * busy, older frames waiting behind a newer one are dropped (counted), as a camera drops them.
 * The JPEG of each frame is decoded in a worker thread (jpeg-worker.ts), off the agent's loop.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { Image } from '../../firmware-sdk/decode/image.js';
import type { FrameCamera, FrameOutcome } from '../../firmware-sdk/virtual/native/frame-camera.js';
import { EhcError } from '../../protocol/errors.js';
import { launchChromium } from './chromium.js';
import { rigNow } from './display-server.js';
import { JpegWorker } from './jpeg-worker.js';
import { readMarker } from './marker.js';

export interface FrameEvent {
  /** Rig clock when the frame arrived from the browser. */
  readonly at: number;
  /** Display id the frame shows (0 none, undefined unreadable strip). */
  readonly displayId: number | undefined;
}

export interface VirtualCameraOptions {
  readonly executablePath: string;
  readonly url: string;
  readonly camera: FrameCamera;
  /** Every frame the camera takes (before decoding). */
  readonly onFrame: (f: FrameEvent) => void;
  /** Every frame after decoding, with the rig time the decoder finished. */
  readonly onDecoded: (f: FrameEvent, outcome: FrameOutcome, at: number) => void;
  readonly viewport?: { readonly width: number; readonly height: number };
  /**
   * The part of the page the camera sees (CSS px; default the card holding the code, below the
   * display id strip and the header): the strip is read from the whole frame, the camera only
   * ever gets this view.
   */
  readonly view?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /**
   * Frames showing a display id for which this says true go no further than the strip (counted
   * as `skipped`): the rig's camera runs on the agent's event loop, unlike a scanner's own
   * imager, so once a code is read, decoding it again would only delay the agent being measured.
   */
  readonly skip?: (displayId: number) => boolean;
  /** Screencast JPEG quality (default 85). */
  readonly quality?: number;
}

export const DEFAULT_VIEW = { x: 0, y: 64, width: 480, height: 380 } as const;

/** The `view` rectangle of an RGBA or grey frame, clipped to it, as grey. */
function crop(img: Image, v: { x: number; y: number; width: number; height: number }): Image {
  const x0 = Math.max(0, Math.min(img.width - 1, v.x));
  const y0 = Math.max(0, Math.min(img.height - 1, v.y));
  const w = Math.min(v.width, img.width - x0);
  const h = Math.min(v.height, img.height - y0);
  const out = new Uint8Array(w * h);
  const c = img.channels;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = ((y0 + y) * img.width + x0 + x) * c;
      out[y * w + x] =
        c === 1
          ? img.data[o]!
          : (img.data[o]! * 299 + img.data[o + 1]! * 587 + img.data[o + 2]! * 114) / 1000;
    }
  return { width: w, height: h, channels: 1, data: out };
}

export class VirtualCamera {
  readonly counts = { received: 0, processed: 0, dropped: 0, skipped: 0, badFrames: 0 };
  #latest: { bytes: Buffer; at: number } | undefined;
  #busy = false;
  #stopped = false;
  /** JPEG decoding off the event loop the agent shares (jpeg-worker.ts). */
  readonly #jpeg = new JpegWorker();

  private constructor(
    private readonly o: VirtualCameraOptions,
    readonly browser: Browser,
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  static async open(o: VirtualCameraOptions): Promise<VirtualCamera> {
    const browser = await launchChromium(o.executablePath);
    let cam: VirtualCamera | undefined;
    try {
      const page = await browser.newPage({ viewport: o.viewport ?? { width: 480, height: 720 } });
      const cdp = await page.context().newCDPSession(page);
      cam = new VirtualCamera(o, browser, page, cdp);
      const c = cam;
      cdp.on('Page.screencastFrame', (f) => {
        c.#frame(f.data, rigNow());
        cdp.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => undefined);
      });
      await cdp.send('Page.startScreencast', { format: 'jpeg', quality: o.quality ?? 85, everyNthFrame: 1 });
      await page.goto(o.url);
      return cam;
    } catch (e) {
      await browser.close();
      if (cam !== undefined) await cam.#jpeg.close();
      throw e instanceof EhcError
        ? e
        : new EhcError('RIG_CAMERA', 'cannot start the virtual camera', { cause: e });
    }
  }

  #frame(base64: string, at: number): void {
    if (this.#stopped) return;
    this.counts.received++;
    if (this.#latest) this.counts.dropped++;
    this.#latest = { bytes: Buffer.from(base64, 'base64'), at };
    if (!this.#busy) void this.#pump();
  }

  /** Decodes the newest waiting frame, then the next newest, until none waits. */
  async #pump(): Promise<void> {
    this.#busy = true;
    try {
      for (let f = this.#latest; f !== undefined && !this.#stopped; f = this.#latest) {
        this.#latest = undefined;
        const img = await this.#jpeg.decode(f.bytes).catch(() => ({ ok: false as const, why: 'worker' }));
        if (this.#stopped) return;
        if (!img.ok) {
          this.counts.badFrames++;
          continue;
        }
        this.#process(img.image, f.at);
      }
    } finally {
      this.#busy = false;
    }
  }

  #process(frame: Image, at: number): void {
    this.counts.processed++;
    const ev: FrameEvent = { at, displayId: readMarker(frame) };
    this.o.onFrame(ev);
    if (ev.displayId === 0) return;
    if (ev.displayId !== undefined && this.o.skip?.(ev.displayId)) {
      this.counts.skipped++;
      return;
    }
    const outcome = this.o.camera.present(crop(frame, this.o.view ?? DEFAULT_VIEW));
    this.o.onDecoded(ev, outcome, rigNow());
  }

  /** A PNG of what the page shows now. */
  screenshot(): Promise<Buffer> {
    return this.page.screenshot();
  }

  async close(): Promise<void> {
    this.#stopped = true;
    await this.cdp.send('Page.stopScreencast').catch(() => undefined);
    await this.browser.close();
    await this.#jpeg.close();
  }
}
