import { describe, expect, it } from 'vitest';
import { EhcError, isEhcError, isEhcErrorCode, toEhcError } from './errors.js';

describe('EhcError', () => {
  it('keeps a stable code and the cause, not in the message', () => {
    const root = new Error('socket reset');
    const e = new EhcError('HSM_UNAVAILABLE', 'cipher machine unavailable', { cause: root });
    expect(e.code).toBe('HSM_UNAVAILABLE');
    expect(e.cause).toBe(root);
    expect(e.message).not.toContain('socket reset');
    expect(e.name).toBe('EhcError');
  });

  it('is recognised by guards, and subclasses keep their name', () => {
    class FrameError extends EhcError {}
    const e = new FrameError('FRAME_TOO_LARGE', 'too large');
    expect(e.name).toBe('FrameError');
    expect(isEhcError(e)).toBe(true);
    expect(isEhcErrorCode(e, 'FRAME_TOO_LARGE')).toBe(true);
    expect(isEhcErrorCode(e, 'OTHER')).toBe(false);
    expect(isEhcError(new Error('x'))).toBe(false);
    expect(isEhcError(null)).toBe(false);
  });

  it('toEhcError wraps foreign errors and passes ours through', () => {
    const ours = new EhcError('A', 'a');
    expect(toEhcError(ours, 'B', 'b')).toBe(ours);
    const wrapped = toEhcError(new TypeError('t'), 'B', 'b');
    expect(wrapped.code).toBe('B');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
  });
});
