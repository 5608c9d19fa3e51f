/**
 * `npm run fuzz [-- --runs N] [--target NAME…] [--seed S] [--json FILE]`: every parser of outside
 * bytes, N inputs each (default 10⁶; costly targets get N / cost), with progress on stderr and a
 * table on stdout. Exit 1 if any target broke a property (the shrunk input is printed).
 */
import { parseArgs } from 'node:util';
import { writeJsonReport } from '../agent/log/report-file.js';
import { type FuzzResult, runTarget } from './runner.js';
import { TARGETS } from './targets/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    target: { type: 'string', multiple: true },
    seed: { type: 'string' },
    json: { type: 'string' },
  },
});
const runs = Number(values.runs);
const chosen = TARGETS.filter((t) => values.target === undefined || values.target.includes(t.name));
if (!Number.isInteger(runs) || runs < 1 || chosen.length === 0) {
  console.error(`usage: npm run fuzz -- [--runs N] [--target ${TARGETS.map((t) => t.name).join('|')}]`);
  process.exit(2);
}

const results: FuzzResult[] = [];
for (const t of chosen) {
  await t.setup?.();
  const r = await runTarget(t, {
    runs,
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    onProgress: (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${t.name}: ${done}/${total}`);
    },
  });
  await t.teardown?.();
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  results.push(r);
  const verdict = r.defect === undefined ? 'ok' : 'DEFECT';
  console.log(
    `${verdict.padEnd(6)} ${r.target.padEnd(16)} ${String(r.inputs).padStart(8)} inputs  ` +
      `${String(r.distinctRefusals).padStart(2)} refusal kinds  ${r.seconds.toFixed(1).padStart(6)} s  ` +
      `slowest ${r.slowestInputMs.toFixed(1)} ms  peak RSS ${r.peakRssMb} MB  heap +${r.heapGrowthMb} MB`,
  );
  if (r.defect !== undefined) console.log(r.defect);
}
// the shrunk input of a defect is reproduced from the seed; the file gets it scrubbed like any report
if (values.json !== undefined) writeJsonReport(values.json, results);
process.exit(results.some((r) => r.defect !== undefined) ? 1 : 0);
