// Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary so
// that any reader of the log (CI included) sees the outcome in a fixed, language-neutral form.
import type { Reporter } from 'vitest/reporters';

type TaskLike = { type: string; mode?: string; result?: { state?: string }; tasks?: TaskLike[] };

function count(tasks: readonly TaskLike[], acc: { passed: number; failed: number; skipped: number }): void {
  for (const t of tasks) {
    if (t.type === 'test') {
      const state = t.result?.state;
      if (state === 'pass') acc.passed++;
      else if (state === 'fail') acc.failed++;
      else acc.skipped++;
    }
    if (t.tasks) count(t.tasks, acc);
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: readonly TaskLike[] = [], errors: readonly unknown[] = []): void {
    const acc = { passed: 0, failed: 0, skipped: 0 };
    count(files, acc);
    // A suite-level failure (e.g. an import error) fails a file without failing a test.
    const fileFailures = files.filter((f) => f.result?.state === 'fail' && !f.tasks?.length).length;
    const failed = acc.failed + fileFailures + errors.length;
    process.stdout.write(`\n${acc.passed} passed, ${failed} failed, ${acc.skipped} skipped\n`);
  }
}
