import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EhcError, isEhcError } from '../../protocol/errors.js';
import { isAdminError, isWeakPasswordError } from '../admin/index.js';

/** Stable codes of the API layer (the admin layer's `ADMIN_*` codes pass through unchanged). */
export type ApiErrorCode =
  | 'API_AUTH_REQUIRED' // no credential, or an unknown kiosk token
  | 'API_BAD_REQUEST' // body, query or parameters fail the route's schema, or the JSON is broken
  | 'API_NOT_FOUND'
  | 'API_PAYLOAD_TOO_LARGE'
  | 'API_UNSUPPORTED_MEDIA_TYPE' // bodies are JSON only
  | 'API_DEVICE_NOT_FOUND'
  | 'API_DEVICE_COMMAND_FAILED' // the runtime could not trigger or beep the device
  | 'API_CONFIG_READ_ONLY' // no config store was given
  | 'API_CONFIG_INVALID' // the config store refused the document
  | 'API_INTERNAL'
  | 'API_ORIGIN_REFUSED' // a cross-origin or cross-site request (a web page driving the API)
  | 'API_HOST_REFUSED' // a Host header naming no address of the agent (DNS rebinding)
  | 'API_INSECURE_REMOTE_BIND' // start-up: a non-loopback address without TLS
  | 'API_INVALID_OPTION'; // start-up: an option out of range

export class ApiError extends EhcError {
  declare readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isApiError = (x: unknown): x is ApiError => isEhcError(x) && x.code.startsWith('API_');

const STATUS: Readonly<Record<string, number>> = {
  API_AUTH_REQUIRED: 401,
  API_BAD_REQUEST: 400,
  API_NOT_FOUND: 404,
  API_PAYLOAD_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_DEVICE_NOT_FOUND: 404,
  API_DEVICE_COMMAND_FAILED: 502,
  API_CONFIG_READ_ONLY: 405,
  API_CONFIG_INVALID: 400,
  API_INTERNAL: 500,
  API_ORIGIN_REFUSED: 403,
  API_HOST_REFUSED: 421,
  ADMIN_BAD_CREDENTIALS: 401,
  ADMIN_ACCOUNT_LOCKED: 423,
  ADMIN_ACCOUNT_DISABLED: 403,
  ADMIN_REMOTE_LOGIN_REFUSED: 403,
  ADMIN_SESSION_INVALID: 401,
  ADMIN_SESSION_EXPIRED: 401,
  ADMIN_PASSWORD_CHANGE_REQUIRED: 403,
  ADMIN_FORBIDDEN: 403,
  ADMIN_WEAK_PASSWORD: 400,
  ADMIN_PASSWORD_REUSED: 400,
  ADMIN_INVALID_USERNAME: 400,
  ADMIN_INVALID_ROLE: 400,
  ADMIN_USER_EXISTS: 409,
  ADMIN_USER_NOT_FOUND: 404,
  ADMIN_LAST_ADMIN: 409,
};

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly rules?: readonly string[] };
}

/** The HTTP status and body for anything thrown in a route. Unknown errors become a bare 500. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isWeakPasswordError(error)) {
    return { status: 400, body: { error: { code: error.code, message: error.message, rules: error.rules } } };
  }
  if (isApiError(error) || isAdminError(error)) {
    const status = STATUS[error.code] ?? 500;
    if (status === 500) return internal();
    return { status, body: { error: { code: error.code, message: error.message } } };
  }
  const fe = error as Partial<FastifyError>;
  if (fe.validation !== undefined) {
    return bad('API_BAD_REQUEST', 400, `invalid request: ${fe.message ?? 'schema mismatch'}`);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bad('API_PAYLOAD_TOO_LARGE', 413, 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return bad('API_UNSUPPORTED_MEDIA_TYPE', 415, 'send bodies as application/json');
    default:
      break;
  }
  // Fastify's own 4xx (broken JSON, empty JSON body…): never echo its message, it may quote the body.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return bad('API_BAD_REQUEST', 400, 'the request is malformed');
  }
  return internal();
}

function bad(code: ApiErrorCode, status: number, message: string): { status: number; body: ErrorBody } {
  return { status, body: { error: { code, message } } };
}

function internal(): { status: number; body: ErrorBody } {
  return bad('API_INTERNAL', 500, 'internal error');
}

/** Fastify error handler: logs 5xx with the error's code (not the request body) and answers JSON. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) {
    const code = isEhcError(error) ? error.code : (error as Partial<FastifyError>).code;
    request.log.error({ err: error, code, route: request.routeOptions.url }, 'request failed');
  }
  void reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(404)
    .send({ error: { code: 'API_NOT_FOUND', message: 'no such route' } } satisfies ErrorBody);
}
