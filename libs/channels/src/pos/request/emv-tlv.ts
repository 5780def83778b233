/**
 * The few EMV (BER-TLV) facts a balance inquiry needs from field 55: tag 5A (PAN), 57 (track 2
 * equivalent) and 5F24 (expiry, YYMMDD). Constructed tags (templates such as 70 or 77) are
 * searched too. Anything malformed answers undefined: the caller turns it into a format error.
 */
export function readEmvTags(hex: string): Map<string, Buffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  const tags = new Map<string, Buffer>();
  return walk(Buffer.from(hex, 'hex'), tags, 0) ? tags : undefined;
}

const MAX_DEPTH = 4;

function walk(data: Buffer, tags: Map<string, Buffer>, depth: number): boolean {
  let i = 0;
  while (i < data.length) {
    // 00 and FF between objects are padding (EMV Book 3, annex B).
    if (data[i] === 0x00 || data[i] === 0xff) {
      i++;
      continue;
    }
    const tagStart = i;
    const constructed = (data[i] & 0x20) !== 0;
    if ((data[i++] & 0x1f) === 0x1f) {
      while (i < data.length && (data[i] & 0x80) !== 0) i++;
      i++;
    }
    if (i >= data.length) return false;
    const tag = data.subarray(tagStart, i).toString('hex').toUpperCase();
    let length = data[i++];
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes === 0 || bytes > 2 || i + bytes > data.length) return false;
      length = data.readUIntBE(i, bytes);
      i += bytes;
    }
    if (i + length > data.length) return false;
    const value = data.subarray(i, i + length);
    i += length;
    if (constructed) {
      if (depth >= MAX_DEPTH || !walk(value, tags, depth + 1)) return false;
    } else if (!tags.has(tag)) {
      tags.set(tag, value);
    }
  }
  return true;
}
