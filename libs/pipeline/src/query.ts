import type { AccountBalance, AccountType, CoreTransaction, TransactionPosition, TransactionType } from '#bank-core';
import type { EncryptedPinBlock } from '#hsm';
import type { OutcomeCode } from './outcome.js';

export type Channel = 'rest' | 'pos' | 'sms' | 'voice' | 'web';

/** Who asks, as the channel authenticated it at the transport (token, terminal id, caller id...). */
export type RequesterClaim =
  /** `issuedAt`: the bearer token's issue time (epoch seconds), checked against the client's last secret rotation. */
  | { readonly kind: 'partner'; readonly clientId: string; readonly scopes: readonly string[]; readonly issuedAt?: number }
  | { readonly kind: 'terminal'; readonly tid: string }
  | { readonly kind: 'phone'; readonly e164: string }
  /** A caller whose number is not on file and who proved to be this cardholder with the phone-banking PIN. */
  | { readonly kind: 'caller'; readonly e164?: string; readonly cardholderId: string };

/** The card as the channel received it, not yet validated. */
export interface PanInput {
  readonly pan: string;
  /** YYMM, when the channel has one. */
  readonly expiry?: string;
}

/**
 * A card the channel picked from the cardholder's cards on file (SMS, voice, web): the gateway
 * holds no PAN for it, only its keyed hash, issuer, BIN and last 4.
 */
export interface CardOnFile {
  readonly onFile: { readonly panHash: string; readonly issuerId: string; readonly bin: string; readonly last4: string };
}

export type CardInput = PanInput | CardOnFile;

export function isCardOnFile(card: CardInput): card is CardOnFile {
  return 'onFile' in card;
}

/** What proves the right to see the card beyond the requester itself. */
export type Credential =
  | { readonly kind: 'requester' }
  | { readonly kind: 'pin-block'; readonly pinBlock: EncryptedPinBlock }
  /**
   * A single-use card token the cardholder got after signing in elsewhere (the cardholder page's
   * QR code), redeemed by the channel: it stands in for the PIN, which a terminal cannot check
   * without the card's number. The card must be this cardholder's.
   */
  | { readonly kind: 'card-token'; readonly cardholderId: string };

export type Question =
  | { readonly kind: 'balance'; readonly accountType?: AccountType }
  | {
      readonly kind: 'transactions';
      readonly from: Date;
      readonly to: Date;
      readonly types?: readonly TransactionType[];
      readonly limit: number;
      readonly after?: TransactionPosition;
    };

export interface BalanceQuery {
  readonly channel: Channel;
  readonly correlationId: string;
  readonly requester: RequesterClaim;
  readonly card: CardInput;
  readonly credential: Credential;
  readonly question: Question;
  /**
   * The channel already counted the requester for this request (the phone channels count once
   * per text or call step, however many cards it covers); the card still counts.
   */
  readonly requesterCounted?: boolean;
  /** Input problems the channel already found (unknown fields, bad types); they end the query. */
  readonly problems?: readonly string[];
}

export interface AnsweredCard {
  readonly last4: string;
  /** First 6 and last 4 only. */
  readonly masked: string;
  readonly issuerCode: string;
  readonly issuerName: string;
  readonly locale: string;
}

export interface QueryResult {
  readonly correlationId: string;
  readonly outcome: OutcomeCode;
  readonly asOf: Date;
  readonly card?: AnsweredCard;
  readonly balances?: readonly AccountBalance[];
  readonly transactions?: { readonly items: readonly CoreTransaction[]; readonly next?: TransactionPosition };
  /** RATE_LIMITED: when to try again. */
  readonly retryAfterMs?: number;
  /** FORMAT_ERROR: what was wrong, never echoing card data. */
  readonly problems?: readonly string[];
  /** CARD_BLOCKED / EXPIRED_CARD etc.: the finer reason, for channels that can say it. */
  readonly reason?: string;
}
