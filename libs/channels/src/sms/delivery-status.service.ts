import { Inject, Injectable } from '@nestjs/common';
import { messageIdFrom, OutboundMessages } from '#channels/telephony';

export interface DeliveryStatusCallback {
  readonly MessageSid?: string;
  readonly MessageStatus?: string;
  readonly ErrorCode?: string;
}

/** Status callbacks: out of order and repeated by design; the message keeps its furthest state. */
@Injectable()
export class DeliveryStatusService {
  constructor(@Inject(OutboundMessages) private readonly messages: OutboundMessages) {}

  async apply(callback: DeliveryStatusCallback, ourId?: string): Promise<boolean> {
    const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode } = callback;
    if (!status) return false;
    const id = messageIdFrom(ourId);
    if (id) return this.messages.advance({ id }, status, errorCode || undefined);
    return sid ? this.messages.advance({ providerMessageId: sid }, status, errorCode || undefined) : false;
  }
}
