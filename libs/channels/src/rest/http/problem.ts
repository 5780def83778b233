import { HttpException } from '@nestjs/common';

/** An RFC 9457 problem document. `code` is stable: the outcome code, or an HTTP-layer code. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly string[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://saldo.dev/problems/';

export function problem(status: number, code: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: PROBLEM_BASE + code.toLowerCase().replace(/_/g, '-'), title, status, code, ...extra };
}

/** Thrown by guards and the HTTP layer; rendered as application/problem+json by ProblemFilter. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }
}
