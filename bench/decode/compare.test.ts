import { describe, expect, it } from 'vitest';
import { judgeRead, normaliseText } from './compare.js';
import { Cell } from './stats.js';

describe('judgeRead', () => {
  it('treats CRLF and LF as the same text', () => {
    expect(judgeRead('line one\r\nline two\r\n', 'line one\nline two\n')).toBe('ok');
    expect(judgeRead('a\nb', 'a\r\nb')).toBe('ok');
    expect(judgeRead('a\rb', 'a\nb')).toBe('ok');
  });

  it('ignores a missing or extra final newline on either side', () => {
    expect(judgeRead('EHC:0:ABC', 'EHC:0:ABC\n')).toBe('ok');
    expect(judgeRead('EHC:0:ABC\r\n', 'EHC:0:ABC')).toBe('ok');
  });

  it('keeps everything else exact', () => {
    expect(judgeRead('a\u001db', 'a<GS>b')).toBe('misread');
    expect(judgeRead('a b', 'a  b')).toBe('misread');
    expect(normaliseText('\u0001x\r\n\r\n')).toBe('\u0001x');
  });

  it('tells a misread (wrong text) from a miss (nothing)', () => {
    expect(judgeRead('EHC', 'EHD')).toBe('misread');
    expect(judgeRead('EHC', undefined)).toBe('none');
    expect(judgeRead('', '')).toBe('ok');
  });
});

describe('Cell', () => {
  it('counts misreads and misses apart', () => {
    const c = new Cell();
    c.add('ok', 1);
    c.add('misread', 1);
    c.add('none', 1);
    c.add('none', 1);
    expect(c.stats()).toEqual(expect.objectContaining({ n: 4, ok: 1, misreads: 1, misses: 2 }));
  });
});
