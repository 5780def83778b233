import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { messagePage } from '../pages/message.page.js';

/** Console errors as pages: no session → the sign-in page, a refusal or bad input → a page that says which. */
@Catch(HttpException)
export class ConsoleExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const status = exception.getStatus();
    reply.header('cache-control', 'no-store');
    if (status === 401) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      void reply.redirect(`/console/sign-in${next}`, 303);
      return;
    }
    const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Cannot do that';
    void reply.status(status).type('text/html; charset=utf-8').send(messagePage(title, exception.message));
  }
}
