import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BalancePipeline } from '#pipeline';
import { BalanceInquiryHandler } from './balance-inquiry.handler.js';
import { pack, unpackPartial, type Iso8583Message, type MessageSpec } from './iso8583/index.js';
import { NetworkManagementHandler } from './network-management.handler.js';
import { posResponseCode, type PosResponseCode } from './pos-response-code.js';
import { responseMti, responseTo } from './pos-response.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory } from './terminal.directory.js';

/** What to do with one frame: send these bytes, send nothing (a response from the terminal), or hang up. */
export type PosReply = { readonly kind: 'reply'; readonly bytes: Buffer } | { readonly kind: 'ignore' } | { readonly kind: 'close'; readonly reason: string };

const BALANCE_MTIS = new Set(['0100', '0200']);

/**
 * One ISO 8583 message in, its answer out. A frame whose MTI cannot be read closes the
 * connection; any other bad message gets a 30 (audited, like every refused query) echoing what
 * could be read of it.
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
    if (responseMti(read.mti) === undefined) return { kind: 'ignore' };
    const message = { mti: read.mti, fields: read.fields };
    if (read.error) return this.formatError(message, spec, read.error.message);
    if (BALANCE_MTIS.has(read.mti)) return reply((await this.inquiries.answer(message, raw, spec, deadline)).bytes);
    if (read.mti === '0800') return reply(await this.network.answer(message, spec));
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
    const tid = (read.fields.get(41) ?? '').trim();
    try {
      const terminal = tid && !read.error ? await this.terminals.find(tid) : undefined;
      if (terminal?.active && this.mac.applies(terminal)) await this.mac.sign(terminal, spec, response, read.fields.get(53));
    } catch (err) {
      this.logger.warn(`no MAC on a ${code} answer to terminal ${tid}: ${err instanceof Error ? err.message : 'unknown error'}`);
    }
    return reply(pack(spec, response));
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
    return reply(pack(spec, response));
  }
}

function reply(bytes: Buffer): PosReply {
  return { kind: 'reply', bytes };
}
