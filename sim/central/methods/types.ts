import type { Logger } from 'pino';
import type { CipherMachine } from '../../../clients/hsm/types.js';
import type { CentralStore } from '../../../storage/central/contract.js';
import type { CentralConfig } from '../config.js';

/** What every method handler needs: injected, so unit tests pass fakes. */
export interface MethodDeps {
  readonly store: CentralStore;
  readonly hsm: CipherMachine;
  readonly config: CentralConfig;
}

/** One request's context, after the envelope was opened and checked. */
export interface MethodContext {
  readonly appId: string;
  /** The service clock at the request's arrival (ms since the epoch). */
  readonly nowMs: number;
  readonly log: Logger;
}

/**
 * A method handler: takes the validated biz object, returns the reply biz object, or throws a
 * `CentralError` (a refusal with a stable code). Anything else thrown is an internal error.
 */
export type MethodHandler<Req, Reply> = (deps: MethodDeps, biz: Req, ctx: MethodContext) => Promise<Reply>;
