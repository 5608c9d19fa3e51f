/**
 * The code display page: what a patient's phone shows at the window, one fresh dynamic code at a
 * time. One self-contained page (inline CSS and JS, nothing fetched from elsewhere, strict CSP).
 * A new code comes on a key press (space, Enter, →), on a timer, or when the previous one got
 * its verdict (`mode` from the server's /config). For each code the page paints the display id
 * strip (marker.ts) with the code, then records the instant in the `requestAnimationFrame`
 * callback after the image is decoded into the DOM (`performance.timeOrigin + now()`) and posts
 * it. Before the first code it measures its clock against the rig's (15 round trips to /clock).
 * A clock line is redrawn every animation frame, as the health-code apps do, so the screen
 * changes continuously and a screen grabber keeps producing frames.
 */
import { createHash } from 'node:crypto';
import { MARKER, MARKER_CELLS } from './marker.js';

const STYLE = `
html,body{margin:0;background:#f4f6f8;font:16px system-ui,sans-serif;color:#1d2733}
#strip{position:absolute;left:${MARKER.x}px;top:${MARKER.y}px;display:flex}
#strip i{display:block;width:${MARKER.cell}px;height:${MARKER.cell}px;background:#fff}
#strip i.d{background:#000}
header{padding:${MARKER.y + MARKER.cell + 10}px 16px 8px;background:#0a7d5a;color:#fff}
header b{font-size:20px}#clock{float:right;font-variant-numeric:tabular-nums}
#card{margin:16px;padding:16px;background:#fff;border-radius:12px;text-align:center}
#code{min-height:240px;display:flex;align-items:center;justify-content:center}
#code img{image-rendering:pixelated}
#id{color:#5a6b7b;font-size:13px}#verdict{font-weight:bold;min-height:22px}
#help{margin:0 16px;color:#5a6b7b;font-size:13px}
`;

const SCRIPT = `(() => {
const $ = (id) => document.getElementById(id);
const now = () => performance.timeOrigin + performance.now();
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body) }).then((r) => r.json());
let cfg = { mode: 'key', everyMs: 0, gapMs: 0 };
let busy = false, current = 0, finished = false;
const cells = [];
for (let i = 0; i < ${MARKER_CELLS}; i++) { const c = document.createElement('i'); $('strip').append(c); cells.push(c); }
const strip = (dark) => cells.forEach((c, i) => { c.className = dark && dark[i] ? 'd' : ''; });
const tick = () => { $('clock').textContent = new Date().toISOString().slice(11, 23); requestAnimationFrame(tick); };
requestAnimationFrame(tick);
async function calibrate() {
  const samples = [];
  for (let i = 0; i < 15; i++) {
    const pageBefore = now();
    const r = await fetch('/clock', { cache: 'no-store' }).then((x) => x.json());
    samples.push({ pageBefore, rig: r.rig, pageAfter: now() });
  }
  await post('/calibration', { samples });
}
async function next() {
  if (busy || finished) return;
  busy = true;
  try {
    const n = await post('/next', {});
    if (n.done) { finished = true; strip(null); $('code').replaceChildren(); $('id').textContent = 'done';
      $('verdict').textContent = ''; document.body.dataset.done = '1'; return; }
    const img = new Image();
    img.src = n.src; img.width = n.size; img.height = n.size; img.alt = 'EHC code';
    await img.decode();
    $('code').replaceChildren(img); strip(n.cells);
    $('id').textContent = 'display #' + n.displayId; $('verdict').textContent = '';
    current = n.displayId;
    requestAnimationFrame(() => { post('/painted', { displayId: n.displayId, at: now() }); });
    watch(n.displayId);
  } catch (e) {
    // The rig could not give a code (or the image failed): try again shortly, never stall.
    $('verdict').textContent = 'retrying';
    setTimeout(() => { if (cfg.mode !== 'key') next(); }, 200);
  } finally { busy = false; }
}
async function watch(id) {
  const r = await fetch('/verdict/' + id, { cache: 'no-store' }).then((x) => x.json(), () => ({}));
  if (id !== current) return;
  $('verdict').textContent = r.verdict || 'no verdict';
  if (cfg.mode === 'verdict') setTimeout(next, cfg.gapMs);
}
document.addEventListener('keydown', (e) => {
  if (e.key === ' ' || e.key === 'Enter' || e.key === 'ArrowRight') { e.preventDefault(); next(); }
});
(async () => {
  cfg = await fetch('/config', { cache: 'no-store' }).then((x) => x.json());
  $('help').textContent = cfg.mode === 'key' ? 'press space for the next code'
    : cfg.mode === 'timer' ? 'a new code every ' + cfg.everyMs + ' ms' : 'a new code after each verdict';
  await calibrate();
  document.body.dataset.ready = '1';
  if (cfg.mode === 'timer') setInterval(next, cfg.everyMs);
  if (cfg.mode !== 'key') next();
})();
})();`;

const BODY = `<div id="strip" aria-hidden="true"></div>
<header><b>电子健康卡</b> <span id="clock"></span></header>
<main id="card"><div id="code"></div><div id="id"></div><div id="verdict"></div></main>
<p id="help"></p>`;

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export const DISPLAY_HTML = `<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>EHC code display (rig)</title>
<style>${STYLE}</style>
</head><body>${BODY}<script>${SCRIPT}</script></body></html>
`;

/** Only the inline script and style (by hash), requests and images from the rig itself. */
export const DISPLAY_CSP = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
