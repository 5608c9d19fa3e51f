/**
 * Types for `sm-crypto` (pinned 0.5.8, dev dependency), used only by tests to cross-check the
 * `sm-crypto-v2` wrapper. Only the calls the tests make are declared.
 */
declare module 'sm-crypto' {
  interface SmCryptoSm2 {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    getPublicKeyFromPrivateKey(privateKey: string): string;
    doSignature(
      msg: string | ArrayLike<number>,
      privateKey: string,
      options?: { der?: boolean; hash?: boolean; publicKey?: string; userId?: string },
    ): string;
    doVerifySignature(
      msg: string | ArrayLike<number>,
      signHex: string,
      publicKey: string,
      options?: { der?: boolean; hash?: boolean; userId?: string },
    ): boolean;
  }
  const smCrypto: { sm2: SmCryptoSm2 };
  export default smCrypto;
}
