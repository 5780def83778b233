import { Inject, Injectable, Logger } from '@nestjs/common';
import { CryptoError, CryptoPort, type MacAlgorithm, type MacKey } from '#hsm';
import { macFieldOf, macInput, receivedMacInput, type Iso8583MessageInput, type MessageSpec } from '../iso8583/index.js';
import type { PosTerminal } from '../terminal.directory.js';

export type MacVerdict = 'VERIFIED' | 'MISSING' | 'MISMATCH' | 'UNAVAILABLE';

/**
 * Field 64 (128 when a secondary bitmap is present): ISO 9797-1 algorithm 3 under the terminal's
 * TAK, over the message bytes before the MAC field. A DUKPT terminal whose MAC key is its BDK
 * MACs under the X9.24 request/response MAC variants of its current key (AES-CMAC for AES DUKPT).
 */
@Injectable()
export class MessageMac {
  private readonly logger = new Logger('PosMac');

  constructor(@Inject(CryptoPort) private readonly crypto: CryptoPort) {}

  /**
   * Whether the terminal's requests must carry a MAC (and its responses get one). A terminal set to
   * require one without a MAC key is not let through unchecked: its requests are refused (96).
   */
  applies(terminal: PosTerminal): boolean {
    return terminal.macRequired;
  }

  /** Checks the MAC of a request over `frame`, the message's bytes as received. */
  async verify(terminal: PosTerminal, spec: MessageSpec, message: Iso8583MessageInput, frame: Buffer): Promise<MacVerdict> {
    if (terminal.macKeyRef === null) {
      this.logger.error(`terminal ${terminal.tid} must send a MAC but has no MAC key: its requests are refused until one is set`);
      return 'UNAVAILABLE';
    }
    const data = receivedMacInput(spec, message, frame);
    const mac = message.fields.get(macFieldOf(message));
    if (mac === undefined || data === undefined) return 'MISSING';
    const { key, algorithm } = this.keyFor(terminal, message.fields.get(53), 'request');
    try {
      return await this.crypto.verifyMac({ key, algorithm, data, mac });
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      this.logger.warn(`MAC check for terminal ${terminal.tid} failed: ${err.code}`);
      return err.code === 'TIMEOUT' || err.code === 'UNAVAILABLE' || err.code === 'INTERNAL' ? 'UNAVAILABLE' : 'MISMATCH';
    }
  }

  /** Adds the MAC field to a response (`fields` is the response's own map); without a MAC key there is none to add. */
  async sign(terminal: PosTerminal, spec: MessageSpec, response: { mti: string; fields: Map<number, string> }, ksn?: string): Promise<void> {
    if (terminal.macKeyRef === null) return;
    const { key, algorithm } = this.keyFor(terminal, ksn, 'response');
    response.fields.set(macFieldOf(response), await this.crypto.generateMac({ key, algorithm, data: macInput(spec, response) }));
  }

  private keyFor(terminal: PosTerminal, ksn: string | undefined, direction: 'request' | 'response'): { key: MacKey; algorithm: MacAlgorithm } {
    const keyRef = terminal.macKeyRef ?? '';
    const dukpt = terminal.pinMode.startsWith('DUKPT') && keyRef === terminal.pinKeyRef && ksn !== undefined;
    return {
      key: dukpt ? { keyRef, ksn, direction } : { keyRef },
      algorithm: terminal.pinMode === 'DUKPT_AES' && dukpt ? 'AES-CMAC' : 'ISO9797-1-ALG3',
    };
  }
}
