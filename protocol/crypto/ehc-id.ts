import { bytesToHex, hexToBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import { sm4EcbEncrypt } from './sm4.js';

/**
 * EHC-ID derivation (spec passage reproduced in docs/domain.md):
 *   factor  = XOR of the 8-byte groups of the main-index ID (主索引ID)
 *   userKey = SM4-ECB(securityKey 安全密钥, factor ‖ NOT factor)
 *   EHC-ID  = SM4-ECB(userKey, ASCII(idType ‖ idNo) zero-padded to 16-byte blocks)
 */
export function diversificationFactor(mainIndex: Uint8Array): Buffer {
  if (mainIndex.byteLength === 0 || mainIndex.byteLength % 8 !== 0) {
    throw new CryptoError('CRYPTO_BAD_LENGTH', 'main-index ID must be a non-empty multiple of 8 bytes');
  }
  const f = Buffer.alloc(8);
  for (let i = 0; i < mainIndex.byteLength; i++) f[i % 8]! ^= mainIndex[i]!;
  return f;
}

export function deriveUserKey(securityKey: Uint8Array, mainIndex: Uint8Array): Buffer {
  const f = diversificationFactor(mainIndex);
  const block = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) {
    block[i] = f[i]!;
    block[i + 8] = ~f[i]! & 0xff;
  }
  return sm4EcbEncrypt(securityKey, block, { padding: false });
}

/** Zero-pads ASCII(idType ‖ idNo) to whole 16-byte blocks. */
export function idPlaintext(idType: string, idNo: string): Buffer {
  const s = idType + idNo;
  if (!/^[\x20-\x7e]+$/.test(s))
    throw new CryptoError('CRYPTO_BAD_INPUT', 'ID type and number must be ASCII');
  const raw = Buffer.from(s, 'ascii');
  const out = Buffer.alloc(Math.ceil(raw.length / 16) * 16);
  raw.copy(out);
  return out;
}

export function deriveEhcIdBytes(
  securityKey: Uint8Array,
  mainIndex: Uint8Array,
  idType: string,
  idNo: string,
): Buffer {
  return sm4EcbEncrypt(deriveUserKey(securityKey, mainIndex), idPlaintext(idType, idNo), { padding: false });
}

/** Hex convenience: returns the upper-case hex EHC-ID. */
export function deriveEhcId(
  securityKeyHex: string,
  mainIndexHex: string,
  idType: string,
  idNo: string,
): string {
  return bytesToHex(deriveEhcIdBytes(hexToBytes(securityKeyHex), hexToBytes(mainIndexHex), idType, idNo));
}
