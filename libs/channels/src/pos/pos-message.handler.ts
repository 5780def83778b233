import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BalancePipeline } from '#pipeline';
import { BalanceInquiryHandler } from './balance-inquiry.handler.js';
import { pack, unpackPartial, type Iso8583Message, type MessageSpec } from './iso8583/index.js';
import { NetworkManagementHandler } from './network-management.handler.js';
import { posResponseCode, type PosResponseCode } from './pos-response-code.js';
import { responseMti, responseTo, type PosResponse } from './pos-response.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory } from './terminal.directory.js';

/** What to do with one frame: send these bytes, send nothing (a response or notification from the terminal), or hang up. */
export type PosReply = { readonly kind: 'reply'; readonly bytes: Buffer } | { readonly kind: 'ignore' } | { readonly kind: 'close'; readonly reason: string };

const BALANCE_MTIS = new Set(['0100', '0200']);

/**
 * One ISO 8583 message in, its answer out. A frame whose MTI cannot be read, or whose MTI has a
 * reserved function digit, closes the connection; any other bad message gets a 30 (audited, like
 * every refused query) echoing what could be read of it.
 */
@Injectable()
export class PosMessageHandler {
  private readonly logger = new Logger('Pos');

  constructor(
    @Inject(BalanceInquiryHandler) private readonly inquiries: BalanceInquiryHandler,
    @Inject(NetworkManagementHandler) private readonly network: NetworkManagementHandler,
    @Inject(BalancePipeline) private readonly pipeline: BalancePipeline,
    @Inject(TerminalDirectory) private readonly terminals: TerminalDirectory,
    @Inject(MessageMac) private readonly mac: MessageMac,
  ) {}

  async handle(raw: Buffer, spec: MessageSpec, deadline: number): Promise<PosReply> {
    const read = unpackPartial(spec, raw);
    if (read.mti === undefined) return { kind: 'close', reason: 'the MTI cannot be read' };
    const unanswerable = unanswerableMti(read.mti);
    if (unanswerable) return unanswerable;
    const message = { mti: read.mti, fields: read.fields };
    if (read.error) return this.formatError(message, spec, read.error.message);
    if (BALANCE_MTIS.has(read.mti)) return reply((await this.inquiries.answer(message, raw, spec, deadline)).bytes);
    if (read.mti === '0800') return reply(await this.network.answer(message, raw, spec));
    return this.formatError(message, spec, `MTI ${read.mti}: not handled by this gateway`);
  }

  /**
   * The answer when the gateway cannot give the real one: 91 (past the time budget, or while
   * shutting down) or 96 (a fault). It carries the terminal's MAC when the terminal uses one.
   */
  async fallback(raw: Buffer, spec: MessageSpec, code: Extract<PosResponseCode, '91' | '96'>): Promise<PosReply> {
    const read = unpackPartial(spec, raw);
    if (read.mti === undefined) return { kind: 'close', reason: 'the MTI cannot be read' };
    const response = responseTo({ mti: read.mti, fields: read.fields }, code, new Date());
    if (!response) return { kind: 'ignore' };
    return reply(await this.packSigned(read.fields, spec, response));
  }

  /**
   * A refusal the gateway answers by itself carries the MAC of the terminal its field 41 names,
   * when that terminal uses one; a MAC that cannot be made is logged and the answer goes without.
   */
  private async packSigned(request: ReadonlyMap<number, string>, spec: MessageSpec, response: PosResponse): Promise<Buffer> {
    const tid = (request.get(41) ?? '').trim();
    try {
      const terminal = tid ? await this.terminals.find(tid) : undefined;
      if (terminal?.active && this.mac.applies(terminal)) await this.mac.sign(terminal, spec, response, request.get(53));
    } catch (err) {
      this.logger.warn(`no MAC on a ${response.fields.get(39) ?? '?'} answer to terminal ${tid}: ${err instanceof Error ? err.message : 'unknown error'}`);
    }
    return pack(spec, response);
  }

  private async formatError(read: Iso8583Message, spec: MessageSpec, problem: string): Promise<PosReply> {
    let code: PosResponseCode = '30';
    if (read.mti !== '0800') {
      const tid = (read.fields.get(41) ?? '').trim();
      const result = await this.pipeline.record(
        {
          channel: 'pos',
          correlationId: randomUUID(),
          requester: { kind: 'terminal', tid: tid || 'unknown' },
          card: { pan: read.fields.get(2) ?? '' },
          credential: { kind: 'requester' },
          question: { kind: 'balance' },
          problems: [problem],
        },
        'FORMAT_ERROR',
        { problem },
      );
      code = posResponseCode(result.outcome);
    }
    const response = responseTo(read, code, new Date());
    if (!response) return { kind: 'ignore' };
    return reply(await this.packSigned(read.fields, spec, response));
  }
}

/**
 * What the gateway does with a message it cannot answer: a response or advice response from the
 * terminal (function digit 1 or 3) or a notification (4) expects no answer and gets none; a
 * reserved function digit (5-9) is not ISO 8583 at all, so the connection is closed.
 */
function unanswerableMti(mti: string): PosReply | undefined {
  if (responseMti(mti) !== undefined) return undefined;
  const fn = mti[2] ?? '';
  if ('134'.includes(fn)) return { kind: 'ignore' };
  return { kind: 'close', reason: `MTI ${mti}: function digit ${fn} is reserved` };
}

function reply(bytes: Buffer): PosReply {
  return { kind: 'reply', bytes };
}
