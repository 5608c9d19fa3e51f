import { EhcError, isEhcError } from '../../protocol/errors.js';

export type RenderErrorCode = 'RENDER_PAYLOAD' | 'RENDER_OPTIONS' | 'RENDER_IMAGE';

/** A payload that cannot be rendered, or options/images a render or degrade step cannot use. */
export class RenderError extends EhcError {
  declare readonly code: RenderErrorCode;

  constructor(code: RenderErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}

export function isRenderError(x: unknown): x is RenderError {
  return isEhcError(x) && x.name === 'RenderError';
}
