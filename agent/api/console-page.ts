import { createHash } from 'node:crypto';

/**
 * The live console (`GET /console`): one self-contained page, inline CSS and JS, nothing fetched
 * from elsewhere, laid out for a 1024×600 kiosk screen. The page itself holds no data: it asks
 * for a token (a field, or `#token=` in the URL fragment, which browsers never send to a server),
 * then reads `GET /console/state` and `GET /scans` with `Authorization: Bearer` and follows
 * `WS /events`. Every value is written with `textContent` (never parsed as HTML). Read-only: the
 * page calls no route that changes anything.
 */

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#10151c;color:#dfe6ee;font:13px/1.3 system-ui,sans-serif}
header{display:flex;align-items:center;gap:12px;height:40px;padding:0 10px;background:#18202b;border-bottom:1px solid #2a3544}
header h1{font-size:15px;margin:0;font-weight:600}
#conn{padding:2px 8px;border-radius:9px;background:#394657;font-size:12px}
#conn.ok{background:#1e6b3a}#conn.err{background:#8a2323}
#auth{margin-left:auto;display:flex;gap:6px}
#auth input{width:260px;background:#0c1117;color:#dfe6ee;border:1px solid #3a4758;border-radius:4px;padding:4px}
button{background:#2c3a4d;color:#dfe6ee;border:1px solid #3a4758;border-radius:4px;padding:4px 10px}
#error{margin:40px auto;max-width:600px;padding:16px;border:1px solid #8a2323;background:#2a1414;border-radius:6px}
#prompt{margin:40px auto;max-width:600px;padding:16px;border:1px solid #2a3544;border-radius:6px;color:#9fb0c3}
main{display:grid;grid-template-columns:560px minmax(0,1fr);gap:8px;padding:8px;height:calc(100% - 40px)}
.col{display:flex;flex-direction:column;gap:8px;min-height:0}
section{background:#161d27;border:1px solid #2a3544;border-radius:6px;padding:6px 8px;min-height:0}
section h2{font-size:12px;margin:0 0 4px;color:#8fa3b8;text-transform:uppercase;letter-spacing:.05em;font-weight:600}
table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:2px 4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:130px}
td:last-child{max-width:none}
th{color:#8fa3b8;font-weight:500;font-size:11px}
#devices{flex:0 0 auto;max-height:170px;overflow:auto}
#status dl{display:grid;grid-template-columns:110px 1fr 110px 1fr;gap:2px 8px;margin:0}
#status dt{color:#8fa3b8}#status dd{margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#latency{flex:1 1 auto}
#hists{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:4px}
#hists figure{margin:0;min-width:0}
#hists figcaption{font-size:11px;color:#8fa3b8;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;height:44px}
#hists figcaption b{display:block;color:#dfe6ee;font-weight:500}
#hists canvas{width:100%;height:190px;display:block;background:#0f141b;border-radius:3px}
#feed{flex:1 1 auto;overflow:hidden;display:flex;flex-direction:column}
#feed ol{list-style:none;margin:0;padding:0;overflow:auto;flex:1}
#feed ol:empty::before{content:'no verdict yet';color:#8fa3b8}
#feed li{display:grid;grid-template-columns:62px minmax(0,1fr) 96px 64px;gap:0 6px;padding:3px 2px;border-bottom:1px solid #222c38;white-space:nowrap}
#feed li .more{grid-column:2/5;color:#8fa3b8}
#feed li .ms{text-align:right}
#feed li span{overflow:hidden;text-overflow:ellipsis}
.VALID{color:#5fd38a}.INVALID{color:#f0a040}.UNAVAILABLE{color:#f06060}
.up{color:#5fd38a}.down{color:#f06060}.muted{color:#8fa3b8}
[hidden]{display:none!important}
`;

const SCRIPT = `
(function () {
  'use strict';
  var STAGES = ['transport', 'parse', 'verify', 'feedback', 'total'];
  var EDGES = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];
  var FEED_MAX = 60;
  var token = null;
  var ws = null;
  var pollTimer = null;
  var soon = null;
  var generation = 0;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function time(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '—' : d.toLocaleTimeString([], { hour12: false });
  }
  function num(x) { return typeof x === 'number' ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : '—'; }
  function ms(x) { return typeof x === 'number' ? num(x) + ' ms' : '—'; }
  function setConn(text, cls) { var c = $('conn'); c.textContent = text; c.className = cls || ''; }

  function showData(on) {
    $('main').hidden = !on;
    $('prompt').hidden = on || !$('error').hidden;
  }
  function clearData() {
    $('device-rows').replaceChildren();
    $('unplugged').textContent = '';
    $('feed-list').replaceChildren();
    ['cm', 'cm-active', 'central', 'central-active', 'outbox', 'delivery', 'certify', 'updated'].forEach(function (id) { $(id).textContent = ''; });
  }
  function authError(message) {
    generation++;
    token = null;
    try { sessionStorage.removeItem('ehc-console-token'); } catch (e) {}
    stop();
    clearData();
    showData(false);
    $('error').textContent = message;
    $('error').hidden = false;
    $('prompt').hidden = true;
    $('auth').hidden = false;
    setConn('auth error', 'err');
  }
  function stop() {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
    if (ws) { ws.onclose = null; ws.close(); }
    ws = null;
  }

  function api(path) {
    var g = generation;
    return fetch(path, { headers: { authorization: 'Bearer ' + token }, cache: 'no-store', credentials: 'omit' })
      .then(function (r) {
        if (g !== generation) throw new Error('stale');
        if (r.status === 401 || r.status === 403) { authError('The agent refused this token (HTTP ' + r.status + '). Enter a valid kiosk token.'); throw new Error('auth'); }
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }

  function renderDevices(devices) {
    var rows = $('device-rows');
    rows.replaceChildren();
    var away = [];
    devices.forEach(function (d) {
      if (!d.connected) { away.push(d.id); return; }
      var tr = el('tr');
      tr.dataset.device = d.id;
      var info = d.info || {};
      tr.append(el('td', d.id), el('td', info.vendor ? info.vendor + ' ' + (info.model || '') : d.driver),
        el('td', info.serial || d.path), el('td', d.state));
      if (info.firmware) tr.children[2].title = 'firmware ' + info.firmware;
      var last = d.lastScan;
      var td = el('td');
      if (last) {
        td.append(el('span', time(last.at) + ' '), el('span', last.verdict + (last.reason ? ' ' + last.reason : ''), last.verdict));
        if (last.ehcIdMasked) td.append(el('div', last.ehcIdMasked, 'muted'));
      } else td.append(el('span', 'no scan yet', 'muted'));
      tr.append(td);
      rows.append(tr);
    });
    if (devices.filter(function (d) { return d.connected; }).length === 0) {
      var empty = el('tr'); var c = el('td', 'no device connected', 'muted'); c.colSpan = 5; empty.append(c); rows.append(empty);
    }
    $('unplugged').textContent = away.length ? 'not connected: ' + away.join(', ') : '';
  }

  function peer(idState, idActive, p, none) {
    if (!p) { $(idState).textContent = none; $(idState).className = 'muted'; $(idActive).textContent = '—'; return; }
    var st = p.available === undefined ? 'not called yet' : p.available ? 'up' : 'down';
    if (p.available === false && p.lastUnavailableReason) st += ' (' + p.lastUnavailableReason + ')';
    $(idState).textContent = st;
    $(idState).className = p.available === undefined ? 'muted' : p.available ? 'up' : 'down';
    $(idActive).textContent = p.active;
  }

  function renderStatus(s) {
    peer('cm', 'cm-active', s.cipherMachine, 'not configured');
    peer('central', 'central-active', s.central, 'not configured');
    var o = s.outbox;
    $('outbox').textContent = o.pending + ' pending, ' + o.parked + ' parked';
    $('outbox').className = o.parked > 0 ? 'down' : '';
    $('delivery').textContent = o.lastDeliveryAt ? time(o.lastDeliveryAt) : 'none';
    $('certify').textContent = s.certify ? s.certify.result + ' at ' + time(s.certify.at) : 'none';
    $('updated').textContent = 'updated ' + time(s.at);
    $('window').textContent = String(s.window);
  }

  function quantile(sorted, p) {
    if (sorted.length === 0) return undefined;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  }

  function drawHist(stage, values) {
    var canvas = $('h-' + stage);
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var cap = $('c-' + stage);
    cap.replaceChildren(el('b', stage + ' · n=' + values.length),
      el('span', values.length ? 'p50 ' + num(quantile(sorted, 0.5)) : ''), el('br'),
      el('span', values.length ? 'p99 ' + num(quantile(sorted, 0.99)) : ''));
    if (values.length === 0) { ctx.fillStyle = '#5a6b7f'; ctx.font = '11px sans-serif'; ctx.fillText('no samples', 6, h / 2); return; }
    var bins = new Array(EDGES.length + 1).fill(0);
    values.forEach(function (v) {
      var i = 0; while (i < EDGES.length && v > EDGES[i]) i++; bins[i]++;
    });
    var first = bins.findIndex(function (b) { return b > 0; });
    var last = bins.length - 1 - bins.slice().reverse().findIndex(function (b) { return b > 0; });
    first = Math.max(0, Math.min(first, last - 3)); last = Math.min(bins.length - 1, Math.max(last, first + 3));
    var shown = bins.slice(first, last + 1);
    var max = Math.max.apply(null, shown);
    var bw = w / shown.length;
    var base = h - 14;
    shown.forEach(function (b, i) {
      var bh = b === 0 ? 0 : Math.max(1, (b / max) * (base - 4));
      ctx.fillStyle = '#4f8fd6';
      ctx.fillRect(i * bw + 1, base - bh, Math.max(1, bw - 2), bh);
    });
    ctx.fillStyle = '#8fa3b8'; ctx.font = '9px sans-serif';
    var label = function (i) { var k = first + i; return k < EDGES.length ? '≤' + EDGES[k] : '>' + EDGES[EDGES.length - 1]; };
    ctx.fillText(label(0), 1, h - 3);
    var r = label(shown.length - 1); ctx.fillText(r, w - ctx.measureText(r).width - 1, h - 3);
  }

  function render(s) {
    renderDevices(s.devices);
    renderStatus(s);
    STAGES.forEach(function (st) { drawHist(st, s.stages[st] || []); });
  }

  function refresh() {
    return api('/console/state').then(render).catch(function () {});
  }
  function refreshSoon() {
    if (soon) return;
    soon = setTimeout(function () { soon = null; refresh(); }, 150);
  }

  function feedItem(e) {
    var li = el('li');
    li.dataset.id = e.id;
    var v = e.verdict || {};
    li.append(el('span', time(e.at)), el('span', e.deviceId), el('span', v.verdict, v.verdict),
      el('span', ms(e.stagesMs && e.stagesMs.total), 'ms'), el('span', ''),
      el('span', [v.reason, e.ehcIdMasked].filter(Boolean).join(' · ') || ' ', 'more'));
    return li;
  }
  function addVerdict(e, atEnd) {
    var list = $('feed-list');
    if (list.querySelector('[data-id="' + CSS.escape(e.id) + '"]')) return;
    if (atEnd) list.append(feedItem(e)); else list.prepend(feedItem(e));
    while (list.children.length > FEED_MAX) list.lastElementChild.remove();
  }

  function connect() {
    var g = generation;
    var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var opened = false;
    ws = new WebSocket(proto + location.host + '/events?token=' + encodeURIComponent(token));
    ws.onopen = function () { opened = true; setConn('live', 'ok'); };
    ws.onmessage = function (m) {
      var msg; try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg && msg.type === 'verdict' && msg.event) { addVerdict(msg.event, false); refreshSoon(); }
    };
    ws.onclose = function () {
      if (g !== generation) return;
      ws = null;
      if (!opened) {
        // The upgrade was refused: check the token before trying again.
        api('/console/state').then(function () { setConn('reconnecting…', ''); setTimeout(function () { if (g === generation) connect(); }, 2000); }).catch(function () {});
        return;
      }
      setConn('reconnecting…', '');
      setTimeout(function () { if (g === generation) connect(); }, 1000);
    };
  }

  function start(t) {
    stop();
    generation++;
    token = t;
    $('error').hidden = true;
    setConn('connecting…', '');
    api('/console/state').then(function (s) {
      try { sessionStorage.setItem('ehc-console-token', t); } catch (e) {}
      $('auth').hidden = true;
      showData(true);
      render(s);
      return api('/scans?limit=30').then(function (r) { r.scans.forEach(function (e) { addVerdict(e, true); }); });
    }).then(function () {
      connect();
      pollTimer = setInterval(refresh, 1000);
    }).catch(function (e) { if (e && e.message !== 'auth' && e.message !== 'stale') setConn('agent unreachable', 'err'); });
  }

  $('auth').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var t = $('token').value.trim();
    $('token').value = '';
    if (t) start(t);
  });
  window.addEventListener('resize', refreshSoon);

  function tokenFromHash() {
    var m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (!m) return null;
    history.replaceState(null, '', location.pathname);
    try { return decodeURIComponent(m[1]); } catch (e) { return null; }
  }
  window.addEventListener('hashchange', function () { var t = tokenFromHash(); if (t) start(t); });

  var fromHash = tokenFromHash();
  var saved = null;
  try { saved = sessionStorage.getItem('ehc-console-token'); } catch (e) {}
  showData(false);
  if (fromHash || saved) start(fromHash || saved);
  else setConn('no token', '');
})();
`;

const BODY = `
<header>
  <h1>EHC agent console</h1>
  <span id="conn">no token</span>
  <span class="muted">read-only</span>
  <form id="auth" autocomplete="off">
    <input id="token" type="password" placeholder="kiosk token" aria-label="kiosk token">
    <button type="submit">Show</button>
  </form>
</header>
<div id="prompt">Enter a kiosk token (or open this page as <code>/console#token=…</code>) to see the agent.</div>
<div id="error" role="alert" hidden></div>
<main id="main" hidden>
  <div class="col">
    <section id="devices"><h2>Devices</h2>
      <table><thead><tr><th>device</th><th>vendor / model</th><th>identity</th><th>state</th><th>last scan</th></tr></thead>
      <tbody id="device-rows"></tbody></table>
      <div id="unplugged" class="muted"></div>
    </section>
    <section id="status"><h2>Peers and outbox <span id="updated" class="muted"></span></h2>
      <dl>
        <dt>cipher machine</dt><dd id="cm"></dd><dt>active</dt><dd id="cm-active"></dd>
        <dt>central service</dt><dd id="central"></dd><dt>active</dt><dd id="central-active"></dd>
        <dt>outbox</dt><dd id="outbox"></dd><dt>last delivery</dt><dd id="delivery"></dd>
        <dt>last certify</dt><dd id="certify"></dd><dt></dt><dd></dd>
      </dl>
    </section>
    <section id="latency"><h2>Latency per stage, last <span id="window"></span> scans (ms)</h2>
      <div id="hists">
        <figure><figcaption id="c-transport">transport</figcaption><canvas id="h-transport"></canvas></figure>
        <figure><figcaption id="c-parse">parse</figcaption><canvas id="h-parse"></canvas></figure>
        <figure><figcaption id="c-verify">verify</figcaption><canvas id="h-verify"></canvas></figure>
        <figure><figcaption id="c-feedback">feedback</figcaption><canvas id="h-feedback"></canvas></figure>
        <figure><figcaption id="c-total">total</figcaption><canvas id="h-total"></canvas></figure>
      </div>
    </section>
  </div>
  <section id="feed"><h2>Verdicts (live)</h2><ol id="feed-list"></ol></section>
</main>
`;

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The page's HTML. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>EHC agent console</title>
<style>${STYLE}</style>
</head><body>${BODY}<script>${SCRIPT}</script></body></html>
`;

/**
 * Its Content-Security-Policy: only the inline script and style above (by hash), requests to the
 * agent itself (`connect-src 'self'` covers the same-origin WebSocket), no frames, no forms posted.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
