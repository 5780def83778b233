import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, ProblemException, type Problem } from './problem.js';

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'FORMAT_ERROR',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * Every error leaves as application/problem+json. Unexpected errors are logged by name and message
 * only and answered with a bare 500, so no input (which may hold card data) is ever echoed.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    let body: Problem;
    let headers: Record<string, string> = {};
    if (exception instanceof ProblemException) {
      body = exception.problem;
      headers = exception.headers;
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_FOR_STATUS[status] ?? (status >= 500 ? 'SYSTEM_ERROR' : 'HTTP_ERROR');
      body = problem(status, code, titleOf(exception), {});
    } else {
      const err = exception instanceof Error ? `${exception.name}: ${exception.message}` : 'unknown';
      this.logger.error(`unhandled error on ${request.method} ${request.routeOptions?.url ?? ''}: ${err}`);
      body = problem(500, 'SYSTEM_ERROR', 'Internal error');
    }
    void reply
      .status(body.status)
      .headers(headers)
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify({ ...body, instance: String(request.id) }));
  }
}

function titleOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  // Nest's built-in exceptions carry a generic `error` phrase; `message` may quote input, so skip it.
  const phrase = (response as { error?: unknown }).error;
  return typeof phrase === 'string' ? phrase : exception.name;
}
