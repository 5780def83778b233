import type { FastifyReply } from 'fastify';
import type { Problem } from './problem.js';

/** What a REST use case answers; the controller only writes it out. */
export interface RestReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'code' in body && 'status' in body && 'type' in body;
}

export function send(reply: FastifyReply, result: RestReply): string {
  reply.status(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  reply.header('content-type', result.status >= 400 && isProblem(result.body) ? 'application/problem+json' : 'application/json; charset=utf-8');
  return JSON.stringify(result.body);
}
