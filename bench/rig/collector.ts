/**
 * Gathers the instants of each shown code as the pieces report them: the page (painted), the
 * camera (frames, decoded), the agent (scan received, verdict) and the terminal (feedback). A
 * verdict is matched to the scan it answers in arrival order per device (the agent answers one
 * device's scans in order); a scan of a code that already had its verdict (the reader saw it
 * again) is counted as a re-read and its verdict does not replace the first.
 */
import type { CodeRecord } from './report.js';

interface Mutable {
  displayId: number;
  paintedAt?: number;
  firstFrameAt?: number;
  decodedAt?: number;
  verdictAt?: number;
  feedbackAt?: number;
  frames: number;
  verdict?: string;
  misreads: number;
}

export class RigCollector {
  readonly #codes = new Map<number, Mutable>();
  readonly #scans: (number | undefined)[] = [];
  readonly #awaitingFeedback: number[] = [];
  /** Reads/scans not attributable to any shown code, re-reads, verdicts without a scan. */
  readonly extra = { unattributedMisreads: 0, rereads: 0, unmatchedVerdicts: 0 };

  #get(id: number): Mutable {
    let c = this.#codes.get(id);
    if (!c) {
      c = { displayId: id, frames: 0, misreads: 0 };
      this.#codes.set(id, c);
    }
    return c;
  }

  painted(id: number, at: number): void {
    this.#get(id).paintedAt ??= at;
  }

  /** A captured frame showing display `id` (the strip), before decoding. */
  frame(id: number, at: number): void {
    const c = this.#get(id);
    if (c.decodedAt !== undefined) return;
    c.firstFrameAt ??= at;
    c.frames++;
  }

  /**
   * The reader returned `textId`'s code (undefined: a text that is no shown code) from a frame
   * showing `shownId` (undefined: not known, e.g. a hardware scanner).
   */
  read(textId: number | undefined, shownId: number | undefined, at: number): void {
    if (textId === undefined || (shownId !== undefined && textId !== shownId)) {
      if (shownId !== undefined) this.#get(shownId).misreads++;
      else this.extra.unattributedMisreads++;
      return;
    }
    this.#get(textId).decodedAt ??= at;
  }

  /** The agent received a scan of `textId`'s code (undefined: of no shown code). */
  scan(textId: number | undefined): void {
    this.#scans.push(textId);
  }

  verdict(verdict: string, at: number): number | undefined {
    if (this.#scans.length === 0) {
      this.extra.unmatchedVerdicts++;
      return undefined;
    }
    const id = this.#scans.shift();
    if (id === undefined) return undefined;
    const c = this.#get(id);
    if (c.verdict !== undefined) {
      this.extra.rereads++;
      return undefined;
    }
    c.verdict = verdict;
    c.verdictAt = at;
    this.#awaitingFeedback.push(id);
    return id;
  }

  /** The terminal got the verdict's feedback (its LED command). */
  feedback(at: number): void {
    const id = this.#awaitingFeedback.shift();
    if (id !== undefined) this.#get(id).feedbackAt ??= at;
  }

  /** Whether display `id`'s code was read already. */
  isRead(id: number): boolean {
    return this.#codes.get(id)?.decodedAt !== undefined;
  }

  /** Every code seen so far, by display id. */
  records(): CodeRecord[] {
    return [...this.#codes.values()].sort((a, b) => a.displayId - b.displayId).map((c) => ({ ...c }));
  }
}
