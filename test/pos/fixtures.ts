/**
 * A balance inquiry and its answer as data, shared by the known-frame tests of both profiles.
 * The PAN is a well-known test PAN; the PIN block is opaque hex (it is never decrypted here).
 */
export const PAN = '4761739001010119';
export const PIN_BLOCK = 'A1B2C3D4E5F60718';
export const TRACK2 = '4761739001010119=28122011234567890';

export const balanceInquiry = (): Map<number, string> =>
  new Map([
    [2, PAN],
    [3, '310000'],
    [4, '000000000000'],
    [7, '0612143015'],
    [11, '000123'],
    [12, '143015'],
    [13, '0612'],
    [14, '2812'],
    [22, '021'],
    [25, '00'],
    [41, 'TERM0001'],
    [42, 'MERCHANT0000001'],
    [49, '978'],
    [52, PIN_BLOCK],
    [53, '2001010100000000'],
  ]);

/** Field 54: savings available EUR 100.00 then savings ledger EUR 123.45 (20 characters each). */
export const ADDITIONAL_AMOUNTS = '1002978C000000010000' + '1001978C000000012345';

export const balanceAnswer = (): Map<number, string> =>
  new Map([
    [2, PAN],
    [3, '310000'],
    [4, '000000000000'],
    [7, '0612143015'],
    [11, '000123'],
    [12, '143015'],
    [13, '0612'],
    [25, '00'],
    [39, '00'],
    [41, 'TERM0001'],
    [42, 'MERCHANT0000001'],
    [49, '978'],
    [54, ADDITIONAL_AMOUNTS],
  ]);

export const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
