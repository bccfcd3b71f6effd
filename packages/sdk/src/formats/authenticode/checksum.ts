/**
 * The PE image checksum (the algorithm of imagehlp's CheckSumMappedFile): 16-bit little-endian
 * words added with end-around carry, then the file length added. Fed in pieces of any length; the
 * CheckSum field itself must be fed as zeros (or patched in later with {@link patch}).
 *
 * Carries are folded once per piece rather than once per word: a sum folded late is congruent
 * modulo 0xffff and, like the word-by-word one, zero only when every word is, so both agree.
 */
export class PeChecksum {
  private sum = 0;
  /** A byte waiting for its high half when a piece ended at an odd offset; -1 for none. */
  private odd = -1;
  private length = 0;

  update(bytes: Uint8Array): void {
    this.length += bytes.length;
    let i = 0;
    let sum = this.sum;
    if (this.odd >= 0 && bytes.length > 0) {
      sum += this.odd | (bytes[0]! << 8);
      this.odd = -1;
      i = 1;
    }
    // Four bytes at a time where aligned (x86 and ARM are little-endian, as the PE words are).
    const offset = bytes.byteOffset + i;
    if (offset % 4 === 0 && bytes.length - i >= 4) {
      const words = new Uint32Array(bytes.buffer, offset, (bytes.length - i) >>> 2);
      // At most 2^17 additions of two 16-bit halves between folds: far below 2^53.
      for (let w = 0; w < words.length; w++) {
        const word = words[w]!;
        sum += (word & 0xffff) + (word >>> 16);
        if ((w & 0x1ffff) === 0x1ffff) sum = fold(sum);
      }
      i += words.length * 4;
    }
    const last = bytes.length - 1;
    for (; i < last; i += 2) sum += bytes[i]! | (bytes[i + 1]! << 8);
    if (i === last) this.odd = bytes[last]!;
    this.sum = fold(sum);
  }

  /**
   * Adds bytes at file offset `offset` that were fed as zeros (a field patched after the fact):
   * each byte adds itself at an even offset, itself times 256 at an odd one.
   */
  patch(offset: number, bytes: Uint8Array): void {
    let sum = this.sum;
    for (let i = 0; i < bytes.length; i++) sum += (offset + i) % 2 === 0 ? bytes[i]! : bytes[i]! << 8;
    this.sum = fold(sum);
  }

  digest(): number {
    const sum = this.odd >= 0 ? fold(this.sum + this.odd) : this.sum;
    return (sum + this.length) >>> 0;
  }
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}
