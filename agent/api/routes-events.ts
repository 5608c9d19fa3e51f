import type { VerdictEvent } from '../types.js';
import { publicEvent } from './masking.js';
import type { RouteDeps } from './route-deps.js';

/** The part of a `ws` WebSocket this module uses (the package ships no types here). */
interface EventSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'close' | 'error', listener: () => void): void;
}

const OPEN = 1;
/** 1013 Try Again Later: the client reads too slowly. */
const CLOSE_TOO_SLOW = 1013;

/**
 * WS /events: one JSON text message per verdict, `{"type":"verdict","event":VerdictEvent}`, in
 * the order the runtime reports them, personal data masked. Authenticate with a kiosk token or a
 * session (header, cookie, or `?token=`). A client more than `maxWsBufferedBytes` behind is
 * closed with 1013 rather than letting the agent's memory grow.
 */
export function registerEventRoutes(deps: RouteDeps): void {
  const { app, runtime, guard } = deps;
  app.get(
    '/events',
    { websocket: true, onRequest: guard.hook({ kind: 'kiosk', permission: 'scans:view', queryToken: true }) },
    (raw: unknown) => {
      const socket = raw as EventSocket;
      let unsubscribe: (() => void) | undefined;
      const stop = (): void => {
        unsubscribe?.();
        unsubscribe = undefined;
      };
      const onVerdict = (event: VerdictEvent): void => {
        if (socket.readyState !== OPEN) return;
        if (socket.bufferedAmount > deps.maxWsBufferedBytes) {
          stop();
          socket.close(CLOSE_TOO_SLOW, 'too slow');
          return;
        }
        socket.send(JSON.stringify({ type: 'verdict', event: publicEvent(event) }));
      };
      unsubscribe = runtime.onVerdict(onVerdict);
      socket.on('close', stop);
      socket.on('error', stop);
    },
  );
}
