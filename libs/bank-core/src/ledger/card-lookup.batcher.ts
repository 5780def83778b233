import type { SqlClient } from '#db';

/** Lookups in one statement at most; more wait for the next. */
const MAX_BATCH = 64;
/** Statements in flight at once; while they run, new lookups gather into the next one. */
const MAX_IN_FLIGHT = 4;

const FIND_CARDS = `
  SELECT k.ord::int AS ord, c.id, c.issuer_id, c.cardholder_id, c.last4, c.expiry, c.status::text AS status,
         c.pin_method::text AS pin_method, c.pin_verification_data, c.pin_tries,
         c.pin_locked_at IS NOT NULL AS pin_locked,
         a.id AS account_id, a.type::text AS account_type, a.currency, a.available, a.ledger, a.pending
    FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS k(pan_hash, issuer_id, ord)
    JOIN cards c ON c.pan_hash = k.pan_hash AND c.issuer_id = k.issuer_id
    LEFT JOIN card_accounts ca ON ca.card_id = c.id
    LEFT JOIN accounts a ON a.id = ca.account_id
   ORDER BY k.ord, ca.position, a.id`;

interface Lookup<Row> {
  readonly panHash: string;
  readonly issuerId: string;
  resolve(rows: Row[]): void;
  reject(err: unknown): void;
}

/**
 * Card lookups of concurrent inquiries as one statement (the audit writer's group commit, for
 * reads): each lookup costs the database and the driver far less in a batch than alone. A lone
 * lookup goes out on the next loop turn; under load, lookups gather while statements are in flight.
 */
export class CardLookupBatcher<Row extends { ord: number }> {
  private queue: Lookup<Row>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly sql: SqlClient) {}

  find(panHash: string, issuerId: string): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ panHash, issuerId, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      this.queue = this.queue.slice(MAX_BATCH);
      this.inFlight++;
      this.sql
        .query<Row>({ name: 'ledger-find-cards', text: FIND_CARDS, values: [batch.map((l) => l.panHash), batch.map((l) => l.issuerId)] })
        .then(
          (rows) => {
            const byLookup = batch.map((): Row[] => []);
            for (const row of rows) byLookup[Number(row.ord) - 1]?.push(row);
            batch.forEach((l, i) => l.resolve(byLookup[i]));
          },
          (err: unknown) => batch.forEach((l) => l.reject(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}
