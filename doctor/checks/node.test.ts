import { describe, expect, it } from 'vitest';
import { nodeVersionResult } from './node.js';

describe('doctor node', () => {
  it('20 and 22+ are ok, odd majors warn, older ones fail with the fix', () => {
    expect(nodeVersionResult('v20.11.1').status).toBe('ok');
    expect(nodeVersionResult('v22.3.0').status).toBe('ok');
    expect(nodeVersionResult('v21.7.0').status).toBe('warn');
    expect(nodeVersionResult('v18.19.0')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Node 20'),
    });
  });
});
