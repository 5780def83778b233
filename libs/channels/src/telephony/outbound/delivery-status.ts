/**
 * How far along a message is. Twilio's status callbacks arrive out of order and repeated, so a
 * message only ever moves to a higher rank ("keep the furthest state"); the final states share
 * the top ranks, `read` beyond `delivered`.
 */
const RANK: Record<string, number> = {
  queued: 0,
  scheduled: 1,
  accepted: 1,
  sending: 2,
  sent: 3,
  failed: 4,
  undelivered: 4,
  canceled: 4,
  delivered: 4,
  read: 5,
};

export function statusRank(status: string): number | undefined {
  return RANK[status];
}
