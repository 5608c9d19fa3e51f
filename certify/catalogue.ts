import table from './catalogue/items.json' with { type: 'json' };
import { parseCatalogue } from './catalogue/validate.js';
import type { CatalogueItem } from './types.js';

/**
 * Every item of spec part 6 (§5 technical requirements, §6 management requirements), with its
 * clause and class: the data lives in `catalogue/items.json`, checked at load. `automated: true`
 * marks the items this tool exercises (their checks: `checks/index.ts`); the rest are manual
 * checklist items (physical security, network devices, management rules) for the lab engineer.
 */
export const CATALOGUE: readonly CatalogueItem[] = parseCatalogue(table);

export function catalogueItem(id: string): CatalogueItem {
  const item = CATALOGUE.find((c) => c.id === id);
  if (!item) throw new RangeError(`no catalogue item ${id}`);
  return item;
}
