import { CONSOLE_CSP, CONSOLE_HTML } from './console-page.js';
import { publicSnapshot } from './masking.js';
import type { RouteDeps } from './route-deps.js';

/**
 * GET /console: the live console page (a static shell with no data, so it is served without a
 * credential: a browser cannot send a bearer token when it navigates). GET /console/state: the
 * aggregates it shows, with the kiosk routes' token rules (`scans:view`). Read-only.
 */
export function registerConsoleRoutes(deps: RouteDeps): void {
  const { app, runtime, guard } = deps;
  app.get('/console', { onRequest: guard.hook({ kind: 'open' }) }, async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(CONSOLE_HTML),
  );
  app.get(
    '/console/state',
    { onRequest: guard.hook({ kind: 'kiosk', permission: 'scans:view' }) },
    async (_req, reply) =>
      reply.header('cache-control', 'no-store').send(publicSnapshot(runtime.consoleSnapshot())),
  );
}
