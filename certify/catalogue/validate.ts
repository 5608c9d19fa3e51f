import { CertifyError } from '../errors.js';
import type { CatalogueItem, ItemClass } from '../types.js';

const CLASSES: ReadonlySet<string> = new Set<ItemClass>(['mandatory', 'recommended', 'optional']);
const TEXT_FIELDS = ['titleZh', 'title', 'expected', 'advice'] as const;
const FIELDS = new Set(['id', 'clause', 'class', 'automated', ...TEXT_FIELDS]);
const ID = /^([56](?:\.\d+)+)-(\d+)$/;

const invalid = (msg: string): CertifyError => new CertifyError('CERTIFY_CATALOGUE', `catalogue: ${msg}`);

function item(raw: unknown, i: number): CatalogueItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid(`items[${i}] is not an object`);
  const o = raw as Record<string, unknown>;
  const where = `items[${i}] (${String(o.id)})`;
  const extra = Object.keys(o).filter((k) => !FIELDS.has(k));
  if (extra.length > 0) throw invalid(`${where}: unknown field ${extra.join(', ')}`);
  const m = typeof o.id === 'string' ? ID.exec(o.id) : null;
  if (!m) throw invalid(`${where}: id must look like 5.2-4 (section-item)`);
  if (o.clause !== `${m[1]} item ${m[2]}`) throw invalid(`${where}: clause must be "${m[1]} item ${m[2]}"`);
  if (typeof o.class !== 'string' || !CLASSES.has(o.class))
    throw invalid(`${where}: class must be mandatory, recommended or optional`);
  if (typeof o.automated !== 'boolean') throw invalid(`${where}: automated must be true or false`);
  for (const k of TEXT_FIELDS)
    if (typeof o[k] !== 'string' || o[k].trim() === '')
      throw invalid(`${where}: ${k} must be a non-empty string`);
  // Key order is the report's (report.json spreads the item).
  return {
    id: o.id as string,
    clause: o.clause,
    class: o.class as ItemClass,
    automated: o.automated,
    titleZh: o.titleZh as string,
    title: o.title as string,
    expected: o.expected as string,
    advice: o.advice as string,
  };
}

/** The item table (`items.json`) checked field by field; throws CERTIFY_CATALOGUE on the first fault. */
export function parseCatalogue(json: unknown): CatalogueItem[] {
  const list = (json as { items?: unknown } | null)?.items;
  if (!Array.isArray(list) || list.length === 0) throw invalid('expected { "items": [ … ] }, not empty');
  const items = list.map(item);
  const seen = new Set<string>();
  for (const x of items) {
    if (seen.has(x.id)) throw invalid(`duplicate id ${x.id}`);
    seen.add(x.id);
  }
  return items;
}

/**
 * Every automated item has exactly one check and every check belongs to an automated item;
 * throws CERTIFY_CATALOGUE naming the ids that do not match.
 */
export function assertChecksMatch(catalogue: readonly CatalogueItem[], checkIds: readonly string[]): void {
  const automated = new Set(catalogue.filter((c) => c.automated).map((c) => c.id));
  const given = new Set(checkIds);
  const missing = [...automated].filter((id) => !given.has(id));
  const stray = [...given].filter((id) => !automated.has(id));
  const twice = checkIds.filter((id, i) => checkIds.indexOf(id) !== i);
  const faults = [
    missing.length > 0 ? `automated items without a check: ${missing.join(', ')}` : '',
    stray.length > 0 ? `checks without an automated item: ${stray.join(', ')}` : '',
    twice.length > 0 ? `items with two checks: ${twice.join(', ')}` : '',
  ].filter((f) => f !== '');
  if (faults.length > 0) throw invalid(faults.join('; '));
}
