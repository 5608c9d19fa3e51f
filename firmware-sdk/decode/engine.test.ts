import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { engineIfLoaded, loadEngine, packagedWasmPath } from './engine.js';
import { isDecoderError } from './errors.js';

const codeOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isDecoderError(e) ? e.code : e),
  );

describe('engine loading', () => {
  it('refuses a missing or foreign .wasm with a typed error, then loads the packaged one', async () => {
    expect(await codeOf(loadEngine({ wasmPath: '/nonexistent/zxing_reader.wasm' }))).toBe(
      'DECODER_WASM_MISSING',
    );
    const bytes = await readFile(packagedWasmPath());
    const tampered = Uint8Array.from(bytes);
    tampered[tampered.length - 1]! ^= 0xff;
    expect(await codeOf(loadEngine({ wasmBinary: tampered }))).toBe('DECODER_WASM_MISMATCH');
    expect(engineIfLoaded()).toBeUndefined();
    const module = await loadEngine({ wasmBinary: bytes });
    expect(engineIfLoaded()).toBe(module);
    expect(await loadEngine()).toBe(module);
  });

  it('resolves the reader .wasm inside the installed zxing-wasm package', () => {
    expect(packagedWasmPath()).toMatch(/node_modules\/zxing-wasm\/dist\/reader\/zxing_reader\.wasm$/);
  });
});
