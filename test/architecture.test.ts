// The import rules of the folder map (README "How it fits together"), checked over the import graph.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const LAYERS = [
  'protocol',
  'storage',
  'devices',
  'clients',
  'firmware-sdk',
  'agent',
  'sim',
  'lab',
  'bench',
  'certify',
  'kiosk',
  'doctor',
];

/**
 * What the code of each top-level folder may import of ours (besides itself), tests excepted.
 * `config/` (example configurations) and `test/` are imported by nothing but tests; `(root)` is the
 * library entry `index.ts` and the tool configs.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  devices: ['protocol'],
  'firmware-sdk': ['protocol'],
  clients: ['protocol'],
  storage: ['protocol'],
  agent: ['protocol', 'devices', 'clients', 'storage'],
  sim: ['protocol', 'clients', 'storage'],
  lab: ['protocol', 'devices', 'clients', 'firmware-sdk', 'storage', 'agent', 'sim'],
  bench: ['protocol', 'devices', 'clients', 'firmware-sdk', 'storage', 'agent', 'sim', 'lab'],
  certify: ['protocol', 'devices', 'clients', 'firmware-sdk', 'storage', 'agent', 'sim', 'lab'],
  kiosk: ['devices'],
  doctor: ['protocol', 'devices', 'clients', 'storage', 'agent', 'kiosk'],
  cli: LAYERS,
  scripts: [],
  '(root)': [...LAYERS, 'cli'],
};

/** Known exceptions: imports allowed only as `import type` (erased at build time), with the reason. */
const TYPE_ONLY: readonly { from: string; to: string; why: string }[] = [
  {
    from: 'firmware-sdk',
    to: 'devices',
    why: 'virtual devices and the conformance suite implement the host contracts (Transport, HID POS layout)',
  },
];

interface Edge {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'dist') return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Static imports, `export … from`, dynamic `import('…')` and `import('…').T` types of one file. */
function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const add = (spec: ts.Node | undefined, typeOnly: boolean): void => {
    if (spec && ts.isStringLiteralLike(spec)) edges.push({ file, specifier: spec.text, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      // Only `import type` is erased: `import { type T }` stays a (side-effect) import under verbatimModuleSyntax.
      add(n.moduleSpecifier, n.importClause?.isTypeOnly === true);
    } else if (ts.isExportDeclaration(n)) add(n.moduleSpecifier, n.isTypeOnly);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(n.arguments[0], false);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal, true);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false));
  return edges;
}

const top = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : '(root)');
/** `fuzz/` is test tooling (`npm run fuzz` and its CI-size test), like `test/`: it may use test helpers. */
const isTest = (rel: string): boolean =>
  top(rel) === 'test' || top(rel) === 'fuzz' || /\.test\.[mc]?[jt]s$/.test(rel);

/** Every import of a non-test file that breaks a rule, as `file → specifier (why)`; paths with `/`. */
function violations(files: readonly { rel: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { rel, text } of files) {
    if (isTest(rel)) continue;
    const from = top(rel);
    for (const e of importsOf(rel, text)) {
      if (!e.specifier.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(rel), e.specifier));
      const to = top(target);
      const why = target.startsWith('..')
        ? 'outside the repository'
        : isTest(target) || target.split('/').includes('fixtures')
          ? 'a test helper'
          : to === from
            ? undefined
            : (MAY_IMPORT[from] ?? []).includes(to)
              ? undefined
              : e.typeOnly && TYPE_ONLY.some((x) => x.from === from && x.to === to)
                ? undefined
                : `${from}/ may not import ${to}/`;
      if (why) out.push(`${rel} → ${e.specifier} (${why})`);
    }
  }
  return out;
}

const repo = sources(ROOT).map((p) => ({
  rel: relative(ROOT, p).split(sep).join('/'),
  text: readFileSync(p, 'utf8'),
}));

describe('import rules (README "How it fits together")', () => {
  it('every folder imports only what its line in the folder map allows', () => {
    expect(repo.length).toBeGreaterThan(300);
    expect(violations(repo)).toEqual([]);
  });

  it('finds the breaks it is meant to catch', () => {
    const file = (rel: string, text: string) => ({ rel, text });
    expect(
      violations([
        file('protocol/x.ts', "import { a } from '../devices/types.js';"),
        file('devices/x.ts', "export * from '../clients/hsm/index.js';"),
        file('agent/x.ts', "const m = await import('../sim/central/index.js');"),
        file('agent/y.ts', "type T = import('../certify/types.js').CatalogueItem;"),
        file('firmware-sdk/x.ts', "import { Scanner } from '../devices/scanner.js';"),
        file('firmware-sdk/y.ts', "import type { Transport } from '../devices/types.js';"),
        file('firmware-sdk/z.ts', "import { type Transport } from '../devices/types.js';"),
        file('clients/x.ts', "import { runCli } from '../test/support/run-cli.js';"),
        file('sim/x.ts', "import { f } from './y.test.js';"),
        file('agent/x.test.ts', "import { s } from '../sim/central/index.js';"),
        file('lab/x.ts', "import { s } from '../sim/central/index.js'; import 'pino';"),
      ]),
    ).toEqual([
      'protocol/x.ts → ../devices/types.js (protocol/ may not import devices/)',
      'devices/x.ts → ../clients/hsm/index.js (devices/ may not import clients/)',
      'agent/x.ts → ../sim/central/index.js (agent/ may not import sim/)',
      'agent/y.ts → ../certify/types.js (agent/ may not import certify/)',
      'firmware-sdk/x.ts → ../devices/scanner.js (firmware-sdk/ may not import devices/)',
      'firmware-sdk/z.ts → ../devices/types.js (firmware-sdk/ may not import devices/)',
      'clients/x.ts → ../test/support/run-cli.js (a test helper)',
      'sim/x.ts → ./y.test.js (a test helper)',
    ]);
  });
});
