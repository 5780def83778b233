import type { ResolvedRequester } from '../context.js';
import type { RequesterClaim } from '../query.js';

export type RequesterLookup =
  | {
      readonly found: true;
      readonly requester: ResolvedRequester;
      readonly scopes: ReadonlySet<string>;
      /** A partner's last secret rotation: tokens issued before it no longer count. */
      readonly credentialsSince?: Date;
    }
  | { readonly found: false };

/** Who may ask: partner clients, terminals, phones — whatever the claim names, if it is active. */
export abstract class RequesterDirectory {
  abstract resolve(claim: RequesterClaim): Promise<RequesterLookup>;
}
