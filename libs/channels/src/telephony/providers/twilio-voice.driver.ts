import twilio from 'twilio';
import type { SaldoConfig } from '#config';
import { VoiceProvider, type Speech, type VoiceTurn } from './voice-provider.port.js';

type SayAttributes = Parameters<InstanceType<typeof twilio.twiml.VoiceResponse>['say']>[0];

/** TwiML through the SDK's builder (never string concatenation: it escapes what it must). */
export class TwilioVoiceProvider extends VoiceProvider {
  readonly name = 'twilio';
  readonly contentType = 'text/xml';

  constructor(private readonly locales: SaldoConfig['voice']['locales']) {
    super();
  }

  render(turn: VoiceTurn): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const s of turn.say) response.say(this.voiceOf(s), s.text);
    if (turn.gather) {
      const { action, prompt, numDigits, finishOnKey, timeoutSeconds } = turn.gather;
      const gather = response.gather({
        input: ['dtmf'],
        action,
        method: 'POST',
        timeout: timeoutSeconds,
        // No input still calls the action, so the server counts it as a failed try.
        actionOnEmptyResult: true,
        ...(numDigits ? { numDigits } : {}),
        ...(finishOnKey !== undefined ? { finishOnKey } : {}),
      });
      for (const s of prompt) gather.say(this.voiceOf(s), s.text);
    }
    if (turn.dial) response.dial(turn.dial);
    if (turn.hangup) response.hangup();
    return response.toString();
  }

  private voiceOf(speech: Speech): SayAttributes {
    const { voice, language } = this.locales[speech.language];
    // Voices are configuration (Twilio may retire one): the SDK's literal types cannot know them.
    return { voice, language } as SayAttributes;
  }
}
