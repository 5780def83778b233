import { CARD_TOKEN_PATTERN } from '#pipeline';
import { readEmvTags } from './emv-tlv.js';

/** How the card reached the terminal, for the audit trail. */
export type CardSource = 'keyed' | 'track2' | 'chip';

export type CardFromMessage =
  | { readonly ok: true; readonly pan: string; readonly expiry?: string; readonly source: CardSource }
  /** A token the cardholder page issued, scanned from its QR code: it names a card on file, no PAN. */
  | { readonly ok: true; readonly qrToken: string; readonly source: 'qr' }
  | { readonly ok: false; readonly problem: string };

const TRACK2 = /^(\d{12,19})[=D](\d{4})?/;

/**
 * The card of a request: field 2 (with 14), else track 2 (field 35), else the chip's data in
 * field 55, else a QR token in field 48. When field 2 and track 2 both come, they must name the
 * same card; a QR token with any card field is ambiguous. Problems never quote a digit of the card.
 */
export function cardFromMessage(fields: ReadonlyMap<number, string>): CardFromMessage {
  const qr = fields.get(48);
  if (qr !== undefined) {
    if ([2, 35, 55].some((n) => fields.has(n))) return { ok: false, problem: 'field 48 with 2, 35 or 55: give a QR token or a card, not both' };
    const token = qr.trim().toUpperCase();
    // Our tokens only: a scanned code that is not one (a URL, another wallet's) is a format error.
    return CARD_TOKEN_PATTERN.test(token) ? { ok: true, qrToken: token, source: 'qr' } : { ok: false, problem: 'field 48: not a Saldo QR token' };
  }
  const keyed = fields.get(2);
  const track2 = fields.get(35);
  const fromTrack = track2 === undefined ? undefined : parseTrack2(track2);
  if (track2 !== undefined && !fromTrack) return { ok: false, problem: 'field 35: not track 2 data (PAN, separator, YYMM)' };

  if (keyed !== undefined) {
    if (fromTrack && fromTrack.pan !== keyed) return { ok: false, problem: 'fields 2 and 35: name different cards' };
    return { ok: true, pan: keyed, expiry: fields.get(14) ?? fromTrack?.expiry, source: fromTrack ? 'track2' : 'keyed' };
  }
  if (fromTrack) return { ok: true, ...fromTrack, source: 'track2' };

  const icc = fields.get(55);
  if (icc !== undefined) return fromChip(icc);
  return { ok: false, problem: 'no card: field 2, 35, 55 or a QR token in 48 is required' };
}

function parseTrack2(value: string): { pan: string; expiry?: string } | undefined {
  const match = TRACK2.exec(value);
  return match ? { pan: match[1], expiry: match[2] } : undefined;
}

function fromChip(hex: string): CardFromMessage {
  const tags = readEmvTags(hex);
  if (!tags) return { ok: false, problem: 'field 55: not BER-TLV data' };
  const expiryTag = tags.get('5F24');
  const expiry = expiryTag?.length === 3 ? expiryTag.toString('hex').slice(0, 4) : undefined;
  const panTag = tags.get('5A');
  if (panTag) {
    // Compressed numeric: digits, right-padded with F.
    const pan = panTag.toString('hex').toUpperCase().replace(/F+$/, '');
    return { ok: true, pan, expiry, source: 'chip' };
  }
  const track = tags.get('57');
  const fromTrack = track && parseTrack2(track.toString('hex').toUpperCase().replace(/F+$/, ''));
  if (fromTrack) return { ok: true, pan: fromTrack.pan, expiry: expiry ?? fromTrack.expiry, source: 'chip' };
  return { ok: false, problem: 'field 55: no PAN (tag 5A) or track 2 equivalent (tag 57)' };
}
