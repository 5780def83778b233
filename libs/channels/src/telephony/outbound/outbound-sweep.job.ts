import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { JobHandlers, JobQueue } from '#platform';
import { SmsProvider } from '../providers/sms-provider.port.js';
import { OutboundMessages } from './outbound-messages.js';
import { SendSmsJob } from './send-sms.job.js';

export const SWEEP_OUTBOUND_JOB = 'sms.sweep';
const EVERY_MS = 60_000;
/** Longer than every back-off of the send job together: a row this quiet lost its job. */
const STUCK_AFTER_MS = 2 * 60_000;

/**
 * Every minute: a message still queued long after its last attempt lost its send job (the process
 * died between storing and queueing it): queue it again, or, once it is older than its validity,
 * mark it failed — a stale balance is not sent. A message claimed for sending that never came back
 * from the provider keeps no text past its validity either.
 */
@Injectable()
export class OutboundSweepJob implements OnModuleInit {
  private readonly logger = new Logger('OutboundSweep');

  constructor(
    @Inject(JobHandlers) private readonly handlers: JobHandlers,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SendSmsJob) private readonly sender: SendSmsJob,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.handlers.register(SWEEP_OUTBOUND_JOB, () => this.sweep().then(() => undefined));
    await this.queue.every(SWEEP_OUTBOUND_JOB, EVERY_MS);
  }

  async sweep(now = new Date()): Promise<{ requeued: number; expired: number; textsDropped: number }> {
    const validFrom = new Date(now.getTime() - this.config.sms.validitySeconds * 1000);
    const expired = await this.messages.expireQueued(validFrom);
    const stuck = await this.messages.queuedSince(new Date(now.getTime() - STUCK_AFTER_MS));
    for (const id of stuck) await this.sender.enqueue(id);
    const textsDropped = this.provider.keepsTexts ? 0 : await this.messages.dropStaleTexts(validFrom);
    if (stuck.length || expired) this.logger.warn(`outbound SMS: ${stuck.length} queued again, ${expired} expired unsent`);
    return { requeued: stuck.length, expired, textsDropped };
  }
}
