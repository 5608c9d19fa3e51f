/**
 * A syntax check for udev rules files, for systems whose udevadm predates `udevadm verify`
 * (systemd < 254, e.g. Debian 12). It follows udev(7): a rule is comma-separated `KEY op "value"`
 * pairs on one line; match keys take `==`/`!=`, assignment keys `=`, `+=`, `-=`, `:=`; keys with
 * an attribute take it in braces. Every GOTO must name a LABEL in the file.
 */
export interface UdevSyntaxError {
  readonly line: number;
  readonly message: string;
}

const MATCH_ONLY = new Set([
  'ACTION',
  'DEVPATH',
  'KERNEL',
  'KERNELS',
  'NAME',
  'SYMLINK',
  'SUBSYSTEM',
  'SUBSYSTEMS',
  'DRIVER',
  'DRIVERS',
  'ATTRS',
  'TAGS',
  'TEST',
  'PROGRAM',
  'RESULT',
  'CONST',
  'SYSCTL',
]);
const ASSIGN_ONLY = new Set([
  'GROUP',
  'OWNER',
  'MODE',
  'LABEL',
  'GOTO',
  'IMPORT',
  'RUN',
  'OPTIONS',
  'SECLABEL',
]);
const EITHER = new Set(['PROGRAM', 'ATTR', 'ENV', 'TAG', 'SYMLINK', 'NAME', 'SYSCTL']);
/** Keys that must carry `{attribute}` (TEST and RUN take an optional one). */
const NEEDS_ATTRIBUTE = new Set(['ATTR', 'ATTRS', 'ENV', 'IMPORT', 'SYSCTL', 'CONST', 'SECLABEL']);

const PAIR = /^\s*([A-Z]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/;

/** Physical lines joined where one ends in a backslash; `line` is where the rule starts. */
function logicalLines(text: string): { line: number; body: string }[] {
  const out: { line: number; body: string }[] = [];
  let start = 0;
  let acc = '';
  text.split('\n').forEach((raw, i) => {
    if (acc === '') start = i + 1;
    const continued = raw.endsWith('\\');
    acc += continued ? raw.slice(0, -1) : raw;
    if (!continued) {
      out.push({ line: start, body: acc.trim() });
      acc = '';
    }
  });
  if (acc !== '') out.push({ line: start, body: acc.trim() });
  return out;
}

export function checkUdevRules(text: string): UdevSyntaxError[] {
  const errors: UdevSyntaxError[] = [];
  const labels = new Set<string>();
  const gotos: { line: number; label: string }[] = [];
  for (const { line, body } of logicalLines(text)) {
    if (body === '' || body.startsWith('#')) continue;
    let rest = body;
    let pairs = 0;
    while (rest.length > 0) {
      const m = PAIR.exec(rest);
      if (!m) {
        errors.push({ line, message: `cannot parse '${rest.slice(0, 40)}'` });
        break;
      }
      const [all, key, attr, op, value, sep] = m as unknown as [
        string,
        string,
        string | undefined,
        string,
        string,
        string,
      ];
      pairs++;
      const isMatch = op === '==' || op === '!=';
      if (!MATCH_ONLY.has(key) && !ASSIGN_ONLY.has(key) && !EITHER.has(key)) {
        errors.push({ line, message: `unknown key ${key}` });
      } else if (isMatch && ASSIGN_ONLY.has(key) && !EITHER.has(key)) {
        errors.push({ line, message: `${key} is an assignment key; ${op} is a match operator` });
      } else if (!isMatch && MATCH_ONLY.has(key) && !EITHER.has(key)) {
        errors.push({ line, message: `${key} is a match key; ${op} is an assignment` });
      }
      if (NEEDS_ATTRIBUTE.has(key) && !attr) {
        errors.push({ line, message: `${key} needs an attribute in braces` });
      }
      if (key === 'MODE' && !/^0?[0-7]{3}$/.test(value))
        errors.push({ line, message: `MODE "${value}" is not octal` });
      if (key === 'LABEL') labels.add(value);
      if (key === 'GOTO') gotos.push({ line, label: value });
      rest = rest.slice(all.length);
      if (sep === ',' && rest.trim() === '') {
        errors.push({ line, message: 'trailing comma' });
        break;
      }
    }
    if (pairs === 0) errors.push({ line, message: 'empty rule' });
  }
  for (const g of gotos) {
    if (!labels.has(g.label)) errors.push({ line: g.line, message: `GOTO "${g.label}" has no LABEL` });
  }
  return errors;
}
