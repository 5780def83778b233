/** Something to say, in one of the menu's languages (the provider picks the voice per language). */
export interface Speech {
  readonly text: string;
  readonly language: 'en' | 'zh';
}

/**
 * One turn of a call, provider-neutral: what to say, then either collect keys (posting them to
 * `action`), transfer, or hang up.
 */
export interface VoiceTurn {
  readonly say: readonly Speech[];
  readonly gather?: {
    readonly action: string;
    readonly prompt: readonly Speech[];
    readonly numDigits?: number;
    /** '#' ends a variable-length entry (card number, PIN). */
    readonly finishOnKey?: '#' | '';
    readonly timeoutSeconds: number;
  };
  readonly dial?: string;
  readonly hangup?: boolean;
}

/** A voice provider renders a turn in its own call-control language (TwiML for Twilio). */
export abstract class VoiceProvider {
  abstract readonly name: string;
  abstract readonly contentType: string;
  abstract render(turn: VoiceTurn): string;
}
