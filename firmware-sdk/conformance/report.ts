import type { ConformanceReport } from './types.js';

/** The report as text: one line per check, then the verdict. */
export function formatConformanceReport(r: ConformanceReport): string {
  const lines = [`Native protocol conformance: ${r.port}`];
  if (r.device) {
    const d = r.device;
    lines.push(
      `Device: ${d.vendor} ${d.model} (firmware ${d.firmwareVersion}, serial ${d.serial}, model id ${d.certifiedModelId})`,
    );
  }
  lines.push('');
  for (const c of r.checks) {
    lines.push(`${c.pass ? 'PASS' : 'FAIL'}  ${c.id}  ${c.title} (${c.ms} ms)`);
    lines.push(`      ${c.evidence}`);
  }
  const failed = r.checks.filter((c) => !c.pass).length;
  lines.push('');
  lines.push(
    failed === 0 ? `All ${r.checks.length} checks passed.` : `${failed} of ${r.checks.length} checks failed.`,
  );
  return `${lines.join('\n')}\n`;
}
