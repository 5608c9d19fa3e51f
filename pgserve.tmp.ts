import { findPostgres, startPostgres } from './test/support/postgres.js';
const pg = await startPostgres(findPostgres()!);
console.log(pg.url);
process.on('SIGTERM', () => { pg.stop(); process.exit(0); });
setInterval(() => {}, 1000);
