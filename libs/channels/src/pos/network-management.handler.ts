import { Inject, Injectable, Logger } from '@nestjs/common';
import { pack, type Iso8583Message, type MessageSpec } from './iso8583/index.js';
import type { PosResponseCode } from './pos-response-code.js';
import { responseTo } from './pos-response.js';
import { TerminalDirectory } from './terminal.directory.js';

const FUNCTIONS: Readonly<Record<string, string>> = { '301': 'echo', '001': 'sign-on', '002': 'sign-off' };

/**
 * 0800 network management (field 70): echo test, sign-on, sign-off, answered 0810. A message that
 * names a terminal must name a known, active one. Sign-on state is not enforced: an inquiry from
 * a signed-off terminal is still answered (it is logged, so operators can see the terminal's day).
 */
@Injectable()
export class NetworkManagementHandler {
  private readonly logger = new Logger('PosNetwork');

  constructor(@Inject(TerminalDirectory) private readonly terminals: TerminalDirectory) {}

  async answer(request: Iso8583Message, spec: MessageSpec): Promise<Buffer> {
    const fn = FUNCTIONS[request.fields.get(70) ?? ''];
    const tid = (request.fields.get(41) ?? '').trim();
    let code: PosResponseCode = fn ? '00' : '30';
    if (tid) {
      const terminal = await this.terminals.find(tid);
      if (!terminal?.active) code = '58';
    }
    if (fn && fn !== 'echo' && code === '00') this.logger.log(`terminal ${tid || '(none)'}: ${fn}`);
    const response = responseTo(request, code, new Date());
    if (!response) throw new Error('0800 always has a response MTI');
    return pack(spec, response);
  }
}
