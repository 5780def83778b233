import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MessageMemory } from '#platform';
import { isE164, maskPhone } from '#domain';
import { isCarrierKeyword, parseSmsCommand } from './sms-command.js';
import { SmsAnswerJob } from './sms-answer.job.js';

/** Twilio retries a webhook it got no answer to; a MessageSid is answered once within this window. */
const REPLAY_WINDOW_MS = 24 * 3_600_000;

export interface InboundSms {
  readonly MessageSid?: string;
  readonly From?: string;
  readonly Body?: string;
}

export type InboundVerdict = 'queued' | 'replay' | 'carrier-keyword' | 'invalid';

/** The webhook side of an inbound text: it only checks, deduplicates and queues; the worker answers. */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('InboundSms');

  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(SmsAnswerJob) private readonly answers: SmsAnswerJob,
  ) {}

  async receive(sms: InboundSms): Promise<InboundVerdict> {
    const { MessageSid: sid, From: from, Body: body = '' } = sms;
    if (!sid || !from || !isE164(from)) return 'invalid';
    // Twilio answers its own keywords (STOP, HELP...): a second answer from us would break opt-out.
    if (isCarrierKeyword(body)) return 'carrier-keyword';
    if ((await this.memory.claim(`sms:in:${sid}`, '1', REPLAY_WINDOW_MS)) !== null) {
      this.logger.log(`replayed message ${sid} from ${maskPhone(from)} ignored`);
      return 'replay';
    }
    try {
      await this.answers.enqueue({ correlationId: randomUUID(), from, command: parseSmsCommand(body) });
    } catch (err) {
      // Not queued: forget the claim, so Twilio's retry of this message is answered, not ignored.
      await this.memory.delete(`sms:in:${sid}`);
      throw err;
    }
    return 'queued';
  }
}
