import type { ConsoleSession } from '../auth/console-sessions.js';
import type { KeyRow } from '../manage/key-listing.js';
import { consolePage, esc } from './layout.js';
import { head, when } from './manage-kit.js';

/** The key store's labels and check values. Keys are made and retired at the key ceremony, never here. */
export function keysPage(session: ConsoleSession, keys: readonly KeyRow[]): string {
  const ceremony = `<p class="note">Keys are generated, imported from components and retired at the key ceremony, on the command line of a Saldo host:
<code>npm run keys -- generate</code>, <code>npm run keys -- import</code>, <code>npm run keys -- list</code> and <code>npm run keys -- retire</code> (<code>npm run keys -- help</code> for the options).
The console only lists them: each key is stored encrypted under the master key (LMK), and this page shows its key check value (KCV) to compare with the ceremony's record, never the key.</p>`;
  const table = keys.length
    ? `<table>${head('Ref', 'Type', 'Usage', 'Algorithm', 'KCV', 'Status', 'Created', 'Retired')}<tbody>${keys
        .map(
          (k) =>
            `<tr><th scope="row"><code>${esc(k.ref)}</code></th><td>${esc(k.type)}</td><td>${esc(k.usage)}</td><td>${esc(k.algorithm)}</td><td><code>${esc(k.kcv)}</code></td><td>${k.status === 'ACTIVE' ? 'active' : 'retired'}</td><td>${when(k.createdAt)}</td><td>${when(k.retiredAt)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>The key store is empty.</p>';
  return consolePage(session, '/console/keys', 'Keys', `${ceremony}<div class="panel">${table}</div>`);
}
