import type { Pan } from '#domain';
import type { IssuerRoute } from '../context.js';

/** BIN routing: which issuer a PAN belongs to. */
export abstract class IssuerDirectory {
  abstract route(pan: Pan): Promise<IssuerRoute | undefined>;
  /** An active issuer by id (cards on file name their issuer). */
  abstract byId(issuerId: string): Promise<IssuerRoute | undefined>;
}
