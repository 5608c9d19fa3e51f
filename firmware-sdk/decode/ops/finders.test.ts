import { describe, expect, it } from 'vitest';
import { degrade } from '../../render/degrade.js';
import { renderQr } from '../../render/render.js';
import { toGrey } from '../image.js';
import { findFinders, guessMissingFinder, paintFinder } from './finders.js';

const M = 5;
const QZ = 4;
const code = toGrey(
  renderQr('3E3CD944076BBF60BD028DC26954B22B:0:07EDF114B1651BA63D112011E74C1EC3', {
    moduleSize: M,
    quietZone: QZ,
  }),
);
const size = code.width / M - 2 * QZ;
/** True finder centres in px: top-left, top-right, bottom-left. */
const centres = [
  [QZ + 3.5, QZ + 3.5],
  [QZ + size - 3.5, QZ + 3.5],
  [QZ + 3.5, QZ + size - 3.5],
].map(([x, y]) => [x! * M, y! * M] as const);

const near = (p: { x: number; y: number }, q: readonly [number, number], tol: number): boolean =>
  Math.hypot(p.x - q[0], p.y - q[1]) <= tol;

describe('finder patterns', () => {
  it('finds the three finders of a rendered symbol, module size included', () => {
    const found = findFinders(code);
    for (const c of centres) {
      const f = found.find((x) => near(x, c, M));
      expect(f).toBeDefined();
      expect(Math.abs(f!.module - M)).toBeLessThan(1);
    }
  });

  it('guesses where a covered finder is from the other two, and paints one there', () => {
    const [, tr] = centres;
    const covered = toGrey(
      degrade(code, 'occlude', {
        x: tr![0] - 4 * M,
        y: tr![1] - 4 * M,
        width: 8 * M,
        height: 8 * M,
        shape: 'rect',
        level: 128,
      }),
    );
    const found = findFinders(covered);
    expect(found.some((f) => near(f, tr!, 2 * M))).toBe(false);
    const guesses = guessMissingFinder(found, covered.width, covered.height);
    const right = guesses.find((g) => near(g, tr!, M));
    expect(right).toBeDefined();
    const painted = paintFinder(covered, right!, 0, 255);
    expect(findFinders(painted).some((f) => near(f, tr!, M))).toBe(true);
  });

  it('finds nothing in a flat image', () => {
    const flat = { width: 50, height: 50, channels: 1 as const, data: new Uint8Array(2500).fill(255) };
    expect(findFinders(flat)).toEqual([]);
    expect(guessMissingFinder([], 50, 50)).toEqual([]);
  });
});
