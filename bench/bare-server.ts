import 'reflect-metadata';
import { Body, Controller, Header, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The baseline: a bare NestJS + Fastify endpoint that parses the same JSON body and answers a
 * balance-shaped JSON document, with no auth, no limits, no database, no audit.
 */
@Controller('v1')
class BareController {
  @Post('balance-inquiries')
  @HttpCode(200)
  inquire(@Body() body: { pan?: string }) {
    return {
      inquiryId: 'bare',
      card: { last4: String(body.pan ?? '').slice(-4), issuer: 'BARE' },
      accounts: [{ type: 'checking', currency: 'USD', available: 123456, ledger: 130000, pending: 6544 }],
      asOf: new Date().toISOString(),
    };
  }
}

/** The webhook baselines: parse the same form body, answer TwiML of the same shape, do nothing else. */
@Controller('twilio')
class BareTwilioController {
  @Post('sms')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  sms(@Body() body: Record<string, string>) {
    return body.MessageSid ? '<?xml version="1.0" encoding="UTF-8"?><Response/>' : '';
  }

  @Post('voice/:stage')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  voice(@Body() body: Record<string, string>) {
    const say = `<Say voice="Polly.Joanna" language="en-US">Card ending zero zero one zero: available balance one thousand two hundred thirty-four dollars and fifty-six cents (${body.Digits ?? ''}).</Say>`;
    return `<?xml version="1.0" encoding="UTF-8"?><Response>${say}<Gather input="dtmf" action="https://bare.example/twilio/voice/menu?s=1" method="POST" timeout="6" actionOnEmptyResult="true" numDigits="1">${say}</Gather></Response>`;
  }
}

@Module({ controllers: [BareController, BareTwilioController] })
class BareModule {}

const port = Number(process.argv[2] ?? 3901);
const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
await app.listen(port, '127.0.0.1');
process.send?.('ready');
