import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../catalogue.js';
import { allChecks, CHECKS } from '../checks/index.js';
import { isCertifyError } from '../errors.js';
import { resolveSettings } from '../settings.js';
import type { ItemClass } from '../types.js';
import table from './items.json' with { type: 'json' };
import { assertChecksMatch, parseCatalogue } from './validate.js';

const CLASS: Record<string, ItemClass> = { 必选项: 'mandatory', 推荐项: 'recommended', 可选项: 'optional' };

/**
 * The items of the spec's §5–§6 tables, read from the spec text itself: a section heading
 * ("5.1.1 系统安全") opens a table, a row starts with its number ("8.\t…") and ends with its class.
 */
function specItems(text: string): { items: Map<string, ItemClass>; rows: number } {
  const items = new Map<string, ItemClass>();
  let section: string | undefined;
  let rows = 0;
  for (const line of text.split('\n')) {
    const heading = /^([56](?:\.\d+)+) [^\t]+$/.exec(line);
    if (heading) section = heading[1];
    if (!/^\d+\.\t/.test(line)) continue;
    rows++;
    const row = /^(\d+)\.\t.*\t(必选项|推荐项|可选项)\s*$/.exec(line);
    if (row && section) items.set(`${section}-${row[1]}`, CLASS[row[2]!]!);
  }
  return { items, rows };
}

const spec = specItems(readFileSync(new URL('../fixtures/spec-part6-items.txt', import.meta.url), 'utf8'));
const rejects = (f: () => unknown, msg: RegExp): void => {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(isCertifyError(thrown) && (thrown as { code: string }).code).toBe('CERTIFY_CATALOGUE');
  expect(String((thrown as Error).message)).toMatch(msg);
};
const good = table.items[0]!;

describe('the catalogue against the spec', () => {
  it('reads every row of the spec tables', () => {
    expect(spec.rows).toBe(spec.items.size);
    expect(spec.items.size).toBeGreaterThan(80);
    expect([...spec.items.values()].filter((c) => c === 'mandatory').length).toBeGreaterThan(50);
  });

  it('holds every item of the spec, mandatory ones first of all, with the spec’s class, and nothing else', () => {
    const table = new Map(CATALOGUE.map((c) => [c.id, c.class]));
    const mandatory = [...spec.items].filter(([, c]) => c === 'mandatory').map(([id]) => id);
    expect(mandatory.filter((id) => table.get(id) !== 'mandatory')).toEqual([]);
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(spec.items));
    expect(CATALOGUE.map((c) => c.id)).toEqual([...spec.items.keys()]);
  });

  it('has one check per automated item, each reporting its item id', () => {
    const automated = CATALOGUE.filter((c) => c.automated).map((c) => c.id);
    expect(Object.keys(CHECKS).sort()).toEqual([...automated].sort());
    expect(allChecks(resolveSettings()).map((c) => c.id)).toEqual(automated);
  });
});

describe('the catalogue is validated at load', () => {
  it('refuses a malformed table with CERTIFY_CATALOGUE', () => {
    rejects(() => parseCatalogue({}), /expected \{ "items"/);
    rejects(() => parseCatalogue({ items: [{ ...good, class: '必选项' }] }), /class must be/);
    rejects(() => parseCatalogue({ items: [{ ...good, automated: 'yes' }] }), /automated must be/);
    rejects(() => parseCatalogue({ items: [{ ...good, advice: ' ' }] }), /advice must be a non-empty/);
    rejects(() => parseCatalogue({ items: [{ ...good, titleZh: undefined }] }), /titleZh must be/);
    rejects(
      () => parseCatalogue({ items: [{ ...good, clause: '5.1 item 1' }] }),
      /clause must be "5\.1\.1 item 1"/,
    );
    rejects(() => parseCatalogue({ items: [{ ...good, id: '5.1.1' }] }), /id must look like/);
    rejects(() => parseCatalogue({ items: [{ ...good, run: true }] }), /unknown field run/);
    rejects(() => parseCatalogue({ items: [good, good] }), /duplicate id 5\.1\.1-1/);
    expect(parseCatalogue({ items: [good] })).toEqual([CATALOGUE[0]]);
  });

  it('refuses a check map that does not match the automated items', () => {
    const ids = Object.keys(CHECKS);
    expect(() => assertChecksMatch(CATALOGUE, ids)).not.toThrow();
    rejects(() => assertChecksMatch(CATALOGUE, ids.slice(1)), /automated items without a check: 5\.1\.1-6$/);
    rejects(
      () => assertChecksMatch(CATALOGUE, [...ids, '5.1.4-1']),
      /checks without an automated item: 5\.1\.4-1/,
    );
    rejects(() => assertChecksMatch(CATALOGUE, [...ids, '5.2-4']), /items with two checks: 5\.2-4/);
  });
});
