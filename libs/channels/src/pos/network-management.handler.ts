import { Inject, Injectable, Logger } from '@nestjs/common';
import { pack, type Iso8583Message, type MessageSpec } from './iso8583/index.js';
import type { PosResponseCode } from './pos-response-code.js';
import { responseTo } from './pos-response.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory, type PosTerminal } from './terminal.directory.js';

const FUNCTIONS: Readonly<Record<string, string>> = { '301': 'echo', '001': 'sign-on', '002': 'sign-off' };

/**
 * 0800 network management (field 70): echo test, sign-on, sign-off, answered 0810. A message that
 * names a terminal must name a known, active one; a MAC terminal's must carry a valid MAC (field
 * 128, since field 70 needs the secondary bitmap), and its answer carries one. Sign-on state is not enforced: an inquiry from
 * a signed-off terminal is still answered (it is logged, so operators can see the terminal's day).
 */
@Injectable()
export class NetworkManagementHandler {
  private readonly logger = new Logger('PosNetwork');

  constructor(
    @Inject(TerminalDirectory) private readonly terminals: TerminalDirectory,
    @Inject(MessageMac) private readonly mac: MessageMac,
  ) {}

  async answer(request: Iso8583Message, raw: Buffer, spec: MessageSpec): Promise<Buffer> {
    const fn = FUNCTIONS[request.fields.get(70) ?? ''];
    const tid = (request.fields.get(41) ?? '').trim();
    const terminal = tid ? await this.terminals.find(tid) : undefined;
    const macs = terminal?.active === true && this.mac.applies(terminal);
    let code: PosResponseCode = fn ? '00' : '30';
    if (tid && !terminal?.active) code = '58';
    else if (macs) code = await this.checkMac(terminal, spec, request, raw, code);
    if (fn && fn !== 'echo' && code === '00') this.logger.log(`terminal ${tid || '(none)'}: ${fn}`);
    const response = responseTo(request, code, new Date());
    if (!response) throw new Error('0800 always has a response MTI');
    if (macs) await this.mac.sign(terminal, spec, response);
    return pack(spec, response);
  }

  private async checkMac(terminal: PosTerminal, spec: MessageSpec, request: Iso8583Message, raw: Buffer, code: PosResponseCode): Promise<PosResponseCode> {
    const verdict = await this.mac.verify(terminal, spec, request, raw);
    if (verdict === 'VERIFIED') return code;
    this.logger.warn(`terminal ${terminal.tid}: 0800 refused, MAC ${verdict.toLowerCase()}`);
    return verdict === 'UNAVAILABLE' ? '96' : '63';
  }
}
