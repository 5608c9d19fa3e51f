// ehc qr parse|format — the EHC QR text codec (issue 2)
import { formatEhcCode, isQrCodeError, parseEhcCode } from '../../protocol/qr/index.js';
import type { EhcKind } from '../../protocol/qr/types.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

const KINDS: readonly EhcKind[] = ['static', 'dynamic', 'temporary'];

export function registerQr({ program }: CliGroups): void {
  const qr = program
    .command('qr')
    .description('parse or write EHC QR texts (<EHC-ID>:<type>[:<validity>[:<org>]])');

  qr.command('parse')
    .description('parse a QR text as a scanner sends it (AIM prefix, ECI designator and CR/LF are stripped)')
    .argument('<text>', 'the QR text')
    .option('--json', 'print the parsed code, or the typed error, as JSON')
    .action((text: string, opts: { json?: boolean }) => {
      const r = parseEhcCode(text);
      if (opts.json) {
        printJson(r.ok ? r.value : { error: r.error });
      } else if (r.ok) {
        const c = r.value;
        const lines = [`kind:     ${c.kind}`, `EHC-ID:   ${c.ehcId}`];
        if (c.validity !== undefined) lines.push(`validity: ${c.validity}`);
        if (c.orgCode !== undefined) lines.push(`org code: ${c.orgCode}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } else {
        process.stderr.write(`ehc qr parse: ${r.error.type}: ${r.error.message}\n`);
      }
      process.exitCode = r.ok ? EXIT.ok : EXIT.negative;
    });

  qr.command('format')
    .description('write the canonical QR text for the given fields')
    .requiredOption('--ehc-id <hex>', 'EHC-ID: 32, 64, 96 or 128 hex characters')
    .option('--kind <kind>', `one of ${KINDS.join(', ')}`, 'static')
    .option('--validity <hex>', 'dynamic codes: the 32-hex validity block')
    .option('--org <code>', 'organisation/region code')
    .option('--json', 'print {"text": …} as JSON')
    .action((opts: { ehcId: string; kind: string; validity?: string; org?: string; json?: boolean }) => {
      if (!KINDS.includes(opts.kind as EhcKind)) {
        process.stderr.write(`ehc qr format: --kind must be one of ${KINDS.join(', ')}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      try {
        const text = formatEhcCode({
          ehcId: opts.ehcId,
          kind: opts.kind as EhcKind,
          ...(opts.validity === undefined ? {} : { validity: opts.validity }),
          ...(opts.org === undefined ? {} : { orgCode: opts.org }),
        });
        if (opts.json) printJson({ text });
        else process.stdout.write(`${text}\n`);
        process.exitCode = EXIT.ok;
      } catch (e) {
        if (!isQrCodeError(e)) throw e;
        process.stderr.write(`ehc qr format: ${e.message}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
