/**
 * The patients whose codes the rig shows. The central service gives one card at most one code
 * per second (a code's validity block is stamped to the second, and it steps back at most half
 * the lifetime when that second is taken), so the rig registers several residents and asks for
 * their codes in turn, as a queue of patients at a window would.
 */
import type { PatientApp } from '../../lab/patient-app.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A GB 11643 resident id number (region 110101, born 1990-03-07) with its check digit. */
export function residentId(n: number): string {
  const body = `11010119900307${String(n % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((a, d, i) => a + Number(d) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11]!;
}

/** Registers `count` residents; returns a function handing out fresh dynamic codes in turn. */
export async function residentCodes(app: PatientApp, count = 16): Promise<() => Promise<string>> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(
      await app.register({
        name: `测试${i}`,
        idType: '01',
        idNo: residentId(i + 1),
        phone: `138000000${String(i).padStart(2, '0')}`,
      }),
    );
  let next = 0;
  return () => app.code(ids[next++ % ids.length]!);
}
