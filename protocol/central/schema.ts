import { err, ok, type Result } from '../result.js';

/**
 * A tiny schema for biz_content objects: flat string/integer fields and lists of such objects.
 * The TypeScript type of a biz object is inferred from its schema, so the two cannot drift.
 * `check` copies only known fields into a fresh object (unknown fields dropped, `null` treated as
 * absent for optional fields) and never throws.
 */
export interface StringSpec {
  readonly t: 'string';
  readonly optional?: boolean;
  /** Anchored pattern the value must match (keep these linear: no nested quantifiers). */
  readonly pattern?: RegExp;
  readonly max?: number;
}
export interface IntegerSpec {
  readonly t: 'integer';
  readonly optional?: boolean;
  readonly min?: number;
  readonly max?: number;
}
export interface StringListSpec {
  readonly t: 'strings';
  readonly optional?: boolean;
  readonly maxItems: number;
}
export interface ListSpec {
  readonly t: 'list';
  readonly optional?: boolean;
  readonly of: Schema;
  readonly minItems?: number;
  readonly maxItems: number;
}
export type FieldSpec = StringSpec | IntegerSpec | StringListSpec | ListSpec;
export type Schema = { readonly [field: string]: FieldSpec };

type ValueOf<F> = F extends { t: 'string' }
  ? string
  : F extends { t: 'integer' }
    ? number
    : F extends { t: 'strings' }
      ? readonly string[]
      : F extends { t: 'list'; of: infer S }
        ? readonly Infer<S>[]
        : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type a schema describes. */
export type Infer<S> = Simplify<
  { readonly [K in keyof S as S[K] extends { optional: true } ? never : K]: ValueOf<S[K]> } & {
    readonly [K in keyof S as S[K] extends { optional: true } ? K : never]?: ValueOf<S[K]>;
  }
>;

/** Default cap on any string field (a `file1` attachment may set its own). */
export const DEFAULT_MAX_STRING = 4096;

export function check<S extends Schema>(schema: S, value: unknown, path = ''): Result<Infer<S>, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err(`${path || 'biz_content'} must be a JSON object`);
  }
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const v = Object.hasOwn(src, name) ? src[name] : undefined;
    const where = path ? `${path}.${name}` : name;
    if (v === undefined || v === null) {
      if (spec.optional) continue;
      return err(`${where} is required`);
    }
    const r = checkField(spec, v, where);
    if (!r.ok) return r;
    out[name] = r.value;
  }
  return ok(out as Infer<S>);
}

function checkField(spec: FieldSpec, v: unknown, where: string): Result<unknown, string> {
  switch (spec.t) {
    case 'string': {
      if (typeof v !== 'string') return err(`${where} must be a string`);
      if (v.length > (spec.max ?? DEFAULT_MAX_STRING)) return err(`${where} is too long`);
      if (spec.pattern && !spec.pattern.test(v)) return err(`${where} has the wrong format`);
      return ok(v);
    }
    case 'integer': {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return err(`${where} must be an integer`);
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
        return err(`${where} is out of range`);
      }
      return ok(v);
    }
    case 'strings': {
      if (!Array.isArray(v) || v.length > spec.maxItems) return err(`${where} must be a list of strings`);
      for (const s of v) {
        if (typeof s !== 'string' || s.length > DEFAULT_MAX_STRING)
          return err(`${where} must be a list of strings`);
      }
      return ok([...v]);
    }
    case 'list': {
      if (!Array.isArray(v)) return err(`${where} must be a list`);
      if (v.length < (spec.minItems ?? 0) || v.length > spec.maxItems) {
        return err(`${where} must have ${spec.minItems ?? 0}–${spec.maxItems} items`);
      }
      const items: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const r = check(spec.of, v[i], `${where}[${i}]`);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return ok(items);
    }
  }
}
