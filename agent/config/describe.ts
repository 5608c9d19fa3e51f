import { envName, type FieldSpec } from './schema.js';

/** Renders the config reference (config/README.md) from the schema, so the docs cannot drift. */
export function describeConfig(spec: FieldSpec & { type: 'object' }, title: string): string {
  const rows: string[] = [];
  const walk = (s: FieldSpec, path: string[], inList: boolean): void => {
    if (s.type === 'object') {
      for (const [k, f] of Object.entries(s.fields)) walk(f, [...path, k], inList);
      return;
    }
    if (s.type === 'list') {
      rows.push(line(path, s, 'list of objects', inList));
      walk(s.item, [...path.slice(0, -1), `${path.at(-1)}[]`], true);
      return;
    }
    const type =
      s.type === 'enum'
        ? s.values.map((v) => `\`${v}\``).join(' \\| ')
        : s.type === 'int'
          ? `integer ${s.min}–${s.max}`
          : s.type === 'strings'
            ? 'list of strings'
            : s.type;
    rows.push(line(path, s, type, inList));
  };
  walk(spec, [], false);
  return `# ${title}

Generated from \`agent/config/agent-config.ts\` (\`npm run ehc -- agent --describe-config\`); a test keeps
it in step with the code. Every field can be set in the JSON file given to \`ehc agent --config\`;
scalar fields can also be overridden by the environment variable shown (lists only in the file).
Validation reports every problem at once, each naming the field.

| field | type | default | env | meaning |
|---|---|---|---|---|
${rows.join('\n')}
`;
}

function line(path: string[], s: FieldSpec, type: string, inList: boolean): string {
  const def =
    'default' in s && s.default !== undefined
      ? `\`${JSON.stringify(s.default)}\``
      : 'optional' in s && s.optional
        ? 'optional'
        : s.type === 'bool'
          ? '`false`'
          : 'required';
  const secret = 'secret' in s && s.secret ? ' (secret: redacted in API and logs)' : '';
  const env = inList || s.type === 'list' ? '—' : `\`${envName(path)}\``;
  return `| \`${path.join('.')}\` | ${type} | ${def} | ${env} | ${s.help}${secret} |`;
}
