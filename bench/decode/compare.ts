/**
 * How a decoded text is judged against the expected one. Expected `.txt` files written on
 * another system carry CRLF (or a lone CR), or lose the code's final newline; so both sides are
 * normalised — every line ending to LF, trailing line endings dropped — before an exact
 * comparison. Everything else (spaces, control characters, GS separators) must match exactly.
 */

/** `ok`: the same text; `misread`: a different text returned; `none`: nothing returned (a miss). */
export type ReadVerdict = 'ok' | 'misread' | 'none';

/** Line endings to LF, trailing line endings removed. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
}

export function judgeRead(expected: string, decoded: string | undefined): ReadVerdict {
  if (decoded === undefined) return 'none';
  return normaliseText(decoded) === normaliseText(expected) ? 'ok' : 'misread';
}
