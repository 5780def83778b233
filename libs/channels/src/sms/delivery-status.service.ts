import { Inject, Injectable } from '@nestjs/common';
import { OutboundMessages } from './outbound-messages.js';

export interface DeliveryStatusCallback {
  readonly MessageSid?: string;
  readonly MessageStatus?: string;
  readonly ErrorCode?: string;
}

/** Status callbacks: out of order and repeated by design; the message keeps its furthest state. */
@Injectable()
export class DeliveryStatusService {
  constructor(@Inject(OutboundMessages) private readonly messages: OutboundMessages) {}

  async apply(callback: DeliveryStatusCallback): Promise<boolean> {
    const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode } = callback;
    if (!sid || !status) return false;
    return this.messages.advance(sid, status, errorCode || undefined);
  }
}
