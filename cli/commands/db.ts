// ehc db — the central service's database: migrate (issue 14)
import { isEhcError } from '../../protocol/errors.js';
import { CENTRAL_SCOPE, openCentralStore } from '../../storage/central/index.js';
import { maskUrl } from '../../storage/postgres.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

export function registerDb({ program }: CliGroups): void {
  const db = program.command('db').description("the central service's database (SQLite file or PostgreSQL)");
  db.command('migrate')
    .description('create or upgrade the central schema, then exit (the service also migrates at start)')
    .requiredOption('--db <file|url>', 'SQLite file, or postgres://user@host[:port][,host2…]/db')
    .action(async (o: { db: string }) => {
      try {
        const store = await openCentralStore(o.db, { sqlite: { checkpointIntervalMs: 0 } });
        const kind = store.kind;
        await store.close();
        process.stdout.write(`${maskUrl(o.db)}: ${CENTRAL_SCOPE} schema up to date (${kind})\n`);
        process.exitCode = EXIT.ok;
      } catch (e) {
        if (!isEhcError(e)) throw e;
        process.stderr.write(`ehc db migrate: ${e.message}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
