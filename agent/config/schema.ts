/**
 * A tiny declarative schema for the agent's JSON config: every field has a type, a default (or is
 * required) and limits; validation collects every error, each naming the field's dotted path.
 */
import { EhcError } from '../../protocol/errors.js';

export type FieldSpec =
  | {
      readonly type: 'string';
      readonly default?: string;
      readonly pattern?: RegExp;
      readonly optional?: boolean;
      readonly secret?: boolean;
      readonly help: string;
    }
  | {
      readonly type: 'int';
      readonly default?: number;
      readonly min: number;
      readonly max: number;
      readonly optional?: boolean;
      readonly help: string;
    }
  | { readonly type: 'bool'; readonly default?: boolean; readonly help: string }
  | {
      readonly type: 'enum';
      readonly values: readonly string[];
      readonly default?: string;
      readonly optional?: boolean;
      readonly help: string;
    }
  | {
      readonly type: 'strings';
      readonly default?: readonly string[];
      /** Every item must match. */
      readonly pattern?: RegExp;
      readonly optional?: boolean;
      readonly secret?: boolean;
      readonly help: string;
    }
  | {
      readonly type: 'object';
      readonly fields: Readonly<Record<string, FieldSpec>>;
      readonly optional?: boolean;
      readonly help: string;
    }
  | {
      readonly type: 'list';
      readonly item: FieldSpec & { type: 'object' };
      readonly default?: readonly unknown[];
      readonly help: string;
    };

export class ConfigError extends EhcError {
  constructor(readonly problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const typeName = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Validates `input` against `spec`, filling defaults. Returns the value or pushes problems. */
export function validate(spec: FieldSpec, input: unknown, path: string, problems: string[]): unknown {
  const at = path || '(root)';
  if (input === undefined) {
    if ('default' in spec && spec.default !== undefined) return structuredClone(spec.default);
    if (spec.type === 'object') {
      if (spec.optional) return undefined;
      return validate(spec, {}, path, problems);
    }
    if (spec.type === 'bool') return false;
    if ('optional' in spec && spec.optional) return undefined;
    if (spec.type === 'list' || spec.type === 'strings') return [];
    problems.push(`${at}: required (${spec.help})`);
    return undefined;
  }
  switch (spec.type) {
    case 'string':
      if (typeof input !== 'string') problems.push(`${at}: must be a string, got ${typeName(input)}`);
      else if (spec.pattern && !spec.pattern.test(input))
        problems.push(`${at}: must match ${spec.pattern} (${spec.help})`);
      return input;
    case 'int':
      if (typeof input !== 'number' || !Number.isInteger(input) || input < spec.min || input > spec.max) {
        problems.push(
          `${at}: must be an integer from ${spec.min} to ${spec.max}, got ${JSON.stringify(input)}`,
        );
      }
      return input;
    case 'bool':
      if (typeof input !== 'boolean') problems.push(`${at}: must be true or false, got ${typeName(input)}`);
      return input;
    case 'enum':
      if (typeof input !== 'string' || !spec.values.includes(input)) {
        problems.push(`${at}: must be one of ${spec.values.join(', ')}, got ${JSON.stringify(input)}`);
      }
      return input;
    case 'strings':
      if (!Array.isArray(input) || input.some((x) => typeof x !== 'string')) {
        problems.push(`${at}: must be an array of strings`);
      } else if (spec.pattern) {
        const pattern = spec.pattern;
        input.forEach((x: string, i) => {
          if (!pattern.test(x)) problems.push(`${path}[${i}]: must match ${pattern} (${spec.help})`);
        });
      }
      return input;
    case 'list': {
      if (!Array.isArray(input)) {
        problems.push(`${at}: must be an array, got ${typeName(input)}`);
        return input;
      }
      return input.map((item, i) => validate(spec.item, item, `${path}[${i}]`, problems));
    }
    case 'object': {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        problems.push(`${at}: must be an object, got ${typeName(input)}`);
        return input;
      }
      const out: Record<string, unknown> = {};
      const rec = input as Record<string, unknown>;
      for (const key of Object.keys(rec)) {
        if (!(key in spec.fields)) problems.push(`${path ? `${path}.` : ''}${key}: unknown field`);
      }
      for (const [key, fs] of Object.entries(spec.fields)) {
        const v = validate(fs, rec[key], path ? `${path}.${key}` : key, problems);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

/** `hsm.timeoutMs` → `EHC_HSM_TIMEOUT_MS`. */
export function envName(path: readonly string[]): string {
  return `EHC_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/**
 * Applies environment overrides to scalar fields of object specs (lists are config-file only).
 * Returns the overridden input and the names of the variables used.
 */
export function applyEnv(
  spec: FieldSpec & { type: 'object' },
  input: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  path: string[] = [],
): string[] {
  const used: string[] = [];
  for (const [key, fs] of Object.entries(spec.fields)) {
    const p = [...path, key];
    if (fs.type === 'object') {
      const child = (typeof input[key] === 'object' && input[key] !== null ? input[key] : {}) as Record<
        string,
        unknown
      >;
      const u = applyEnv(fs, child, env, problems, p);
      if (u.length > 0) input[key] = child;
      used.push(...u);
      continue;
    }
    if (fs.type === 'list') continue;
    const name = envName(p);
    const raw = env[name];
    if (raw === undefined) continue;
    used.push(name);
    if (fs.type === 'int') {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw))
        problems.push(`${name} (${p.join('.')}): must be an integer, got ${JSON.stringify(raw)}`);
      input[key] = n;
    } else if (fs.type === 'bool') {
      if (raw !== 'true' && raw !== 'false') problems.push(`${name} (${p.join('.')}): must be true or false`);
      input[key] = raw === 'true';
    } else if (fs.type === 'strings') {
      input[key] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      input[key] = raw;
    }
  }
  return used;
}

/** Replaces secret fields with "***" (for GET /admin/config and logs). */
export function redact(spec: FieldSpec, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if ((spec.type === 'string' || spec.type === 'strings') && spec.secret) return '***';
  if (spec.type === 'list' && Array.isArray(value)) return value.map((v) => redact(spec.item, v));
  if (spec.type === 'object' && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const fs = spec.fields[k];
      out[k] = fs ? redact(fs, v) : v;
    }
    return out;
  }
  return value;
}
