import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop. A checkpoint copies WAL pages into the database file and
 * fsyncs both; run by the serving connection (SQLite's auto-checkpoint) it blocks every request
 * for as long as the disk takes. Here a worker thread with its own connection runs PASSIVE
 * checkpoints (they never block writers) on a timer, and the serving connection's
 * auto-checkpoint is off. If the worker dies, the serving connection takes checkpoints back.
 *
 * PASSIVE checkpoints alone do not bound the WAL under steady writes: SQLite starts the log over
 * only when a writer finds every frame checkpointed, and with a commit every few ms there is
 * always a frame newer than the worker's checkpoint. Measured (80,000 claims in batches of 20,
 * checkpoints every second): the WAL grew linearly to 141 MB, and lookups slowed as its index
 * grew. So the worker reports how many frames its checkpoint left in the log (`onCheckpointed`),
 * and the serving connection (the only writer) finishes the job at once when the log is long:
 * its own PASSIVE checkpoint copies only what was written meanwhile, after which the next write
 * starts the log from the beginning (and `journal_size_limit` trims the file).
 *
 * The worker is a small CommonJS script evaluated from a string, loading better-sqlite3 by the
 * path this module resolves, so it runs the same from sources (tsx) and from the built bundle.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.lib);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (r) parentPort.postMessage({ type: 'checkpointed', log: r.log, checkpointed: r.checkpointed });
  } catch (e) { parentPort.postMessage({ type: 'error', name: e && e.name, code: e && e.code }); }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.postMessage({ type: 'closed' });
});
`;

export interface CheckpointerOptions {
  /** The database file (WAL mode). */
  readonly file: string;
  /** Time between checkpoints, ms (default 1000). */
  readonly intervalMs?: number;
  /** Called when a checkpoint fails or the worker dies (no personal data: names and codes only). */
  readonly onError?: (info: { name?: string; code?: string }) => void;
  /** After each checkpoint: frames in the WAL and frames now copied to the database file. */
  readonly onCheckpointed?: (r: { readonly log: number; readonly checkpointed: number }) => void;
  /** Called if the worker stops unexpectedly: the caller re-enables auto-checkpoints. */
  readonly onExit?: () => void;
}

export class WalCheckpointer {
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {}

  static start(o: CheckpointerOptions): WalCheckpointer {
    const lib = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { lib, file: o.file, intervalMs: o.intervalMs ?? 1000 },
    });
    const c = new WalCheckpointer(worker);
    worker.on(
      'message',
      (m: { type?: string; name?: string; code?: string; log?: number; checkpointed?: number }) => {
        if (m.type === 'checkpointed')
          o.onCheckpointed?.({ log: m.log ?? 0, checkpointed: m.checkpointed ?? 0 });
        if (m.type === 'error')
          o.onError?.({ ...(m.name ? { name: m.name } : {}), ...(m.code ? { code: m.code } : {}) });
      },
    );
    worker.on('error', (e) => o.onError?.({ name: e.name }));
    worker.on('exit', () => {
      if (c.closing === undefined) o.onExit?.();
    });
    worker.unref();
    return c;
  }

  /** Runs a last checkpoint and stops the worker. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => void this.worker.terminate().then(done, done), 5000);
      this.worker.once('exit', done);
      this.worker.on('message', (m: { type?: string }) => {
        if (m.type === 'closed') void this.worker.terminate().then(done, done);
      });
      this.worker.postMessage('close');
    });
    return this.closing;
  }
}
