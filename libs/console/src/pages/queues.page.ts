import type { ConsoleSession } from '../auth/console-sessions.js';
import { consolePage } from './layout.js';

/** The queues page of the embedded mode: there is no Redis and so no queue to show. */
export function inProcessQueuesPage(session: ConsoleSession): string {
  const body = `<p class="note" role="status">This Saldo runs embedded (no REDIS_URL): background jobs — outbound SMS, status callbacks, exports, sweeps — run in this process as they are queued, with the same retries, and nothing is kept in a queue to show here.
Failed attempts and retries are in the log (logger <code>Jobs</code>). With Redis configured, this page is the BullMQ board of the <code>saldo</code> queue.</p>`;
  return consolePage(session, '/console/queues', 'Queues', body);
}
