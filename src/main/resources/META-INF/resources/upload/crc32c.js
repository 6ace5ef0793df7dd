// CRC32C (Castagnoli): the whole-file checksum that GCS verifies. Table-driven, slicing-by-8,
// plus crc32cCombine to join the CRCs of consecutive pieces (parts finish in any order).
// Values are the finished CRCs (as unsigned 32-bit numbers); the CRC of no bytes is 0.

const POLY = 0x82f63b78; // reflected Castagnoli polynomial

const TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** The CRC32C of `crc`'s bytes followed by `bytes` (a Uint8Array). */
export function crc32cUpdate(crc, bytes) {
  const t = TABLES;
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  const end8 = n - (n % 8);
  while (i < end8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
    i += 8;
  }
  while (i < n) c = t[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC32C of a Uint8Array or a string (UTF-8). */
export function crc32c(data) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return crc32cUpdate(0, bytes);
}

function gf2Times(mat, vec) {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i];
  return sum >>> 0;
}

function gf2Square(square, mat) {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]);
}

/**
 * The CRC32C of A followed by B, from crcA, crcB and B's length in bytes (zlib's
 * crc32_combine: multiplies crcA by x^(8·lenB) in GF(2)).
 */
export function crc32cCombine(crcA, crcB, lenB) {
  if (lenB <= 0) return crcB === 0 ? crcA >>> 0 : (crcA ^ crcB) >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = POLY; // the operator for one zero bit
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let len = lenB; // may exceed 2^32: plain arithmetic, no bit operators
  do {
    gf2Square(even, odd); // first pass: one zero byte
    if (len % 2 === 1) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2 === 1) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
  } while (len !== 0);
  return (crc ^ crcB) >>> 0;
}

/** The wire form: base64 of the four big-endian bytes (8 characters). */
export function crc32cBase64(crc) {
  return btoa(String.fromCharCode(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}

/** The CRC32C of a Blob, read in chunks of at most `chunkSize` bytes. */
export async function crc32cOfBlob(blob, signal, chunkSize = 4 * 1024 * 1024) {
  let crc = 0;
  for (let at = 0; at < blob.size; at += chunkSize) {
    signal?.throwIfAborted();
    const bytes = new Uint8Array(await blob.slice(at, at + chunkSize).arrayBuffer());
    crc = crc32cUpdate(crc, bytes);
  }
  return crc;
}
