import {
  type BizReply,
  type BizRequest,
  CENTRAL_METHODS,
  type CentralMethod,
  checkBizRequest,
} from '../../../protocol/central/methods.js';
import { check } from '../../../protocol/central/schema.js';
import type { Result } from '../../../protocol/result.js';
import { close } from './close.js';
import { generate } from './generate.js';
import { MONITOR_USECARD_QUERY, monitorQuery, monitorQueryRequest } from './monitor-query.js';
import { query } from './query.js';
import { register } from './register.js';
import type { MethodContext, MethodDeps, MethodHandler } from './types.js';
import { useCardDate } from './usecard.js';
import { verify } from './verify.js';

/** A method as the dispatcher sees it: a biz validator (schemas built once) and a handler. */
export interface MethodEntry {
  check(value: unknown): Result<unknown, string>;
  handle(deps: MethodDeps, biz: unknown, ctx: MethodContext): Promise<object>;
}

function provincial<M extends CentralMethod>(
  method: M,
  handler: MethodHandler<BizRequest<M>, BizReply<M>>,
): MethodEntry {
  return {
    check: (value) => checkBizRequest(method, value),
    handle: (deps, biz, ctx) => handler(deps, biz as BizRequest<M>, ctx),
  };
}

/** Every method the service answers, by wire name. */
export const METHOD_TABLE: ReadonlyMap<string, MethodEntry> = new Map<string, MethodEntry>([
  [CENTRAL_METHODS.register, provincial(CENTRAL_METHODS.register, register)],
  [CENTRAL_METHODS.generate, provincial(CENTRAL_METHODS.generate, generate)],
  [CENTRAL_METHODS.verify, provincial(CENTRAL_METHODS.verify, verify)],
  [CENTRAL_METHODS.query, provincial(CENTRAL_METHODS.query, query)],
  [CENTRAL_METHODS.close, provincial(CENTRAL_METHODS.close, close)],
  [CENTRAL_METHODS.usecarddate, provincial(CENTRAL_METHODS.usecarddate, useCardDate)],
  [
    MONITOR_USECARD_QUERY,
    {
      check: (value) => check(monitorQueryRequest, value),
      handle: (deps, biz, ctx) => monitorQuery(deps, biz as Parameters<typeof monitorQuery>[1], ctx),
    },
  ],
]);
