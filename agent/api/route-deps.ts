import type { FastifyInstance } from 'fastify';
import type { AdminService } from '../admin/index.js';
import type { LogLevelControl } from '../log/logger.js';
import type { AgentRuntime } from '../types.js';
import type { Guard } from './auth.js';
import type { ConfigStore } from './types.js';

/** What the route modules share; built once by `createApiServer`. */
export interface RouteDeps {
  readonly app: FastifyInstance;
  readonly runtime: AgentRuntime;
  readonly admin: AdminService;
  readonly guard: Guard;
  readonly configStore: ConfigStore | undefined;
  readonly logLevel: LogLevelControl | undefined;
  readonly openHealth: boolean;
  readonly openMetrics: boolean;
  readonly maxScans: number;
  readonly maxWsBufferedBytes: number;
  /** `Secure` on the session cookie (the server speaks TLS). */
  readonly secureCookie: boolean;
}
