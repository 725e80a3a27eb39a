// A page's checksum for an answer: the page itself would make every answer 100 KB of JSON.

/** 32-bit FNV-1a over the UTF-16 code units: a checksum without a byte of allocation. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
