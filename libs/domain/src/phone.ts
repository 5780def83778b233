const E164 = /^\+[1-9]\d{6,14}$/;

/** An international phone number as Twilio and the phone channels carry it, e.g. +15555550100. */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** A phone number as people and logs may see it: the last 4 digits only. */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, -4).replace(/\d/g, '*')}${e164.slice(-4)}`;
}
