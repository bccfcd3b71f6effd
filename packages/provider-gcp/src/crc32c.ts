/*
 * CRC32C (Castagnoli), the checksum Cloud KMS puts on digests, signatures and public keys. A
 * byte-at-a-time table is enough here: the inputs are a digest, a signature, a PEM (at most a few
 * KiB), and no package of the installed tree ships one.
 */

/** The reflected Castagnoli polynomial (0x1EDC6F41 bit-reversed). */
const POLYNOMIAL = 0x82f63b78;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC32C of `data` (a string is taken as its UTF-8 bytes), as an unsigned 32-bit integer.
 *
 * @example crc32c('123456789') // 0xe3069283
 */
export function crc32c(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
