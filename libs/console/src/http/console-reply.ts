import type { FastifyReply } from 'fastify';

export interface ConsoleAnswer {
  readonly status?: number;
  readonly html?: string;
  readonly redirect?: string;
  readonly cookie?: string;
}

/** Console pages are never cached: they show live state and personal data. */
export function sendPage(reply: FastifyReply, answer: ConsoleAnswer): void {
  reply.header('cache-control', 'no-store');
  if (answer.cookie) reply.header('set-cookie', answer.cookie);
  if (answer.redirect) {
    void reply.redirect(answer.redirect, answer.status ?? 303);
    return;
  }
  void reply.status(answer.status ?? 200).type('text/html; charset=utf-8').send(answer.html ?? '');
}
