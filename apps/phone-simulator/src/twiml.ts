/**
 * A tiny TwiML reader for the call simulator: the voice verbs Saldo's menu answers with (Say,
 * Gather, Dial, Hangup, Redirect), read into plain data with Twilio's defaults filled in. It is
 * not a general XML parser: no DTDs or namespaces, only elements, attributes, text, comments,
 * CDATA and the predefined and numeric entities.
 */

export interface SayVerb {
  readonly verb: 'Say';
  readonly text: string;
  readonly voice?: string;
  readonly language?: string;
}

export interface GatherVerb {
  readonly verb: 'Gather';
  /** As written (entities decoded); undefined means "the URL of this document", as with Twilio. */
  readonly action?: string;
  readonly method: 'GET' | 'POST';
  /** Undefined: no fixed length, the entry ends with `finishOnKey` or the timeout. */
  readonly numDigits?: number;
  /** Twilio's default is '#'; '' means no finishing key. */
  readonly finishOnKey: string;
  readonly timeoutSeconds: number;
  /** With no input, call the action anyway (with Digits '') instead of going on to the next verb. */
  readonly actionOnEmptyResult: boolean;
  readonly prompts: readonly SayVerb[];
}

export interface DialVerb {
  readonly verb: 'Dial';
  readonly number: string;
}

export interface HangupVerb {
  readonly verb: 'Hangup';
}

export interface RedirectVerb {
  readonly verb: 'Redirect';
  readonly url: string;
  readonly method: 'GET' | 'POST';
}

/** A verb outside this reader's vocabulary (Play, Pause, Record...): kept by name so it can be reported. */
export interface OtherVerb {
  readonly verb: 'Other';
  readonly name: string;
}

export type TwimlVerb = SayVerb | GatherVerb | DialVerb | HangupVerb | RedirectVerb | OtherVerb;

export class TwimlError extends Error {
  override name = 'TwimlError';
}

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: (XmlElement | string)[];
}

/** The verbs of a `<Response>` document, in order. */
export function parseTwiml(xml: string): TwimlVerb[] {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new TwimlError(`the root element is <${root.name}>, not <Response>`);
  return elements(root).map(toVerb);
}

/** Decodes the five predefined XML entities and numeric character references; anything else stays as written. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g, (whole, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return NAMED_ENTITIES[named] ?? whole;
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function toVerb(element: XmlElement): TwimlVerb {
  const a = element.attributes;
  switch (element.name) {
    case 'Say':
      return say(element);
    case 'Gather':
      return {
        verb: 'Gather',
        ...(a.action ? { action: a.action } : {}),
        method: method(a.method),
        ...(a.numDigits === undefined ? {} : { numDigits: positiveInteger('numDigits', a.numDigits) }),
        finishOnKey: a.finishOnKey ?? '#',
        timeoutSeconds: a.timeout === undefined ? 5 : positiveInteger('timeout', a.timeout),
        actionOnEmptyResult: a.actionOnEmptyResult === 'true',
        prompts: elements(element)
          .filter((e) => e.name === 'Say')
          .map(say),
      };
    case 'Dial': {
      // <Dial>+1555...</Dial>, or the number in a <Number> noun.
      const noun = elements(element).find((e) => e.name === 'Number' || e.name === 'Client' || e.name === 'Sip');
      const number = text(noun ?? element).trim();
      if (!number) throw new TwimlError('<Dial> names no number');
      return { verb: 'Dial', number };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Redirect': {
      const url = text(element).trim();
      if (!url) throw new TwimlError('<Redirect> names no URL');
      return { verb: 'Redirect', url, method: method(a.method) };
    }
    default:
      return { verb: 'Other', name: element.name };
  }
}

function say(element: XmlElement): SayVerb {
  const { voice, language } = element.attributes;
  return { verb: 'Say', text: text(element).trim(), ...(voice ? { voice } : {}), ...(language ? { language } : {}) };
}

function method(value: string | undefined): 'GET' | 'POST' {
  const upper = (value ?? 'POST').toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw new TwimlError(`method="${value}" is neither GET nor POST`);
  return upper;
}

function positiveInteger(attribute: string, value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1) throw new TwimlError(`${attribute}="${value}" is not a positive whole number`);
  return Number(value);
}

function elements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The element's text, its descendants' included (SSML tags inside <Say> are read through). */
function text(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
}

// One token: a comment, CDATA, a processing instruction (<?xml ...?>), a tag, or text up to the next '<'.
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The document's single root element. */
function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(xml);
    if (!m) throw new TwimlError(`not well-formed XML at character ${at}: ${JSON.stringify(xml.slice(at, at + 20))}`);
    const [, cdata, closing, name, attributeText, selfClosing, chars] = m;
    const parent = stack.at(-1);
    if (cdata !== undefined || chars !== undefined) {
      const value = cdata ?? decodeXmlEntities(chars ?? '');
      if (parent) parent.children.push(value);
      else if (value.trim()) throw new TwimlError('text outside the root element');
      continue;
    }
    if (name === undefined) continue; // a comment or <?xml ...?>
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new TwimlError(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
      if (stack.length === 0) root = open;
      continue;
    }
    if (!parent && root) throw new TwimlError('more than one root element');
    const element: XmlElement = { name, attributes: attributes(attributeText ?? ''), children: [] };
    if (parent) parent.children.push(element);
    if (selfClosing) {
      if (!parent) root = element;
    } else {
      stack.push(element);
    }
  }
  if (stack.length) throw new TwimlError(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new TwimlError('no root element');
  return root;
}

function attributes(source: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const m of source.matchAll(ATTRIBUTE)) result[m[1]] = decodeXmlEntities(m[2] ?? m[3] ?? '');
  return result;
}
