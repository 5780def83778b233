import { Injectable } from '@nestjs/common';
import { Pan } from '#domain';
import type { QueryContext } from '../context.js';
import { isCardOnFile, type CardOnFile } from '../query.js';
import type { PipelineStep } from '../step.js';

const PAN_PROBLEMS = {
  NOT_DIGITS: 'pan: must contain digits only',
  BAD_LENGTH: 'pan: must be 12 to 19 digits',
  BAD_CHECK_DIGIT: 'pan: check digit (Luhn) is wrong',
} as const;

/** Turns the channel's raw card input into a Pan and a checked expiry, or ends with FORMAT_ERROR. */
@Injectable()
export class ValidateStep implements PipelineStep {
  readonly name = 'validate';

  run(ctx: QueryContext): void {
    const problems = [...(ctx.query.problems ?? [])];
    const card = ctx.query.card;
    if (isCardOnFile(card)) {
      ctx.panHash = card.onFile.panHash;
      ctx.cardFace = faceOf(card);
    } else {
      const parsed = Pan.parse(card.pan);
      if (parsed.ok) ctx.pan = parsed.pan;
      else problems.push(PAN_PROBLEMS[parsed.problem]);
    }

    const expiry = isCardOnFile(card) ? undefined : card.expiry;
    if (expiry !== undefined) {
      if (/^\d{2}(0[1-9]|1[0-2])$/.test(expiry)) ctx.expiry = expiry;
      else problems.push('expiry: must be YYMM');
    }
    const q = ctx.query.question;
    if (q.kind === 'transactions' && q.from.getTime() >= q.to.getTime()) problems.push('from: must be before to');

    if (problems.length) ctx.end('FORMAT_ERROR', { problems });
  }
}

/** A card on file shows its BIN and last 4 (the length of its PAN is not kept: 16 digits shown). */
export function faceOf(card: CardOnFile): { masked: string; last4: string } {
  const { bin, last4 } = card.onFile;
  return { masked: `${bin.slice(0, 6)}******${last4}`, last4 };
}
