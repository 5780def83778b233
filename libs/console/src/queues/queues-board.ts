import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SaldoConfig } from '#config';
import { QUEUE_NAME } from '#platform';
import { ConsoleSessions, type ConsoleSession } from '../auth/console-sessions.js';
import { can } from '../auth/permissions.js';
import { OperatorAudit } from '../operator-audit.js';
import { messagePage } from '../pages/message.page.js';
import { inProcessQueuesPage } from '../pages/queues.page.js';

export const QUEUES_PATH = '/console/queues';

/**
 * The only changes the board may make, by the route the router matched (never by the raw URL,
 * which percent-encoding disguises): retry, promote, clean, pause and resume. Everything else —
 * adding a job or rewriting its data (any text to any phone as Saldo), emptying or obliterating
 * the queue, schedules, concurrency, rate limits, delays, priorities, purges — is refused.
 */
const FROM_THE_BOARD: ReadonlySet<string> = new Set(
  [
    'PUT /api/queues/pause',
    'PUT /api/queues/resume',
    'PUT /api/queues/:queueName/retry/:queueStatus',
    'PUT /api/queues/:queueName/promote',
    'PUT /api/queues/:queueName/clean/:queueStatus',
    'PUT /api/queues/:queueName/pause',
    'PUT /api/queues/:queueName/resume',
    'PUT /api/queues/:queueName/:jobId/retry',
    'PUT /api/queues/:queueName/:jobId/clean',
    'PUT /api/queues/:queueName/:jobId/promote',
  ].map((change) => change.replace(' /', ` ${QUEUES_PATH}/`)),
);

const GOOGLE_FONTS = /<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g;

/**
 * The queues page at /console/queues: bull-board (UI assets served by the package from our own
 * origin) over the BullMQ queue when Redis is configured, or a page saying jobs run in-process.
 * bull-board is a Fastify plugin, not a Nest controller, so the console's guard is a hook on the
 * plugin's prefix: an admin session (ConsoleSessions, permission `queues`), our origin for every
 * change, refusals and changes in the audit trail.
 */
@Injectable()
export class QueuesBoard implements OnModuleInit {
  private readonly logger = new Logger('ConsoleQueues');
  /** The session each admitted request came with. */
  private readonly admitted = new WeakMap<FastifyRequest, ConsoleSession>();

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // a Nest context without HTTP (the worker, a test module)
    const queue = this.config.redis ? this.moduleRef.get<Queue>(getQueueToken(QUEUE_NAME), { strict: false }) : undefined;
    // Loaded with the other plugins when the server starts, so it inherits the global hooks (security headers, correlation id).
    void fastify.register(
      async (scope: FastifyInstance) => {
        scope.addHook('onRequest', (req, reply) => this.admit(req, reply));
        if (!queue) {
          scope.get('/', async (req, reply) => {
            const session = this.admitted.get(req);
            if (!session) return reply.code(401).send({ error: 'sign in to the console' });
            return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(inProcessQueuesPage(session));
          });
          return;
        }
        const board = new FastifyAdapter();
        createBullBoard({
          queues: [new BullMQAdapter(queue, { displayName: 'saldo', description: 'outbound SMS, SMS answers, status callbacks, exports, sweeps' })],
          serverAdapter: board,
          options: { uiConfig: { boardTitle: 'Saldo queues', hideDocsLink: true, miscLinks: [{ text: 'Back to the console', url: '/console' }] } },
        });
        board.setBasePath(QUEUES_PATH);
        // The board's page links a web font from Google: nothing leaves our origin (the CSP would block it anyway).
        scope.addHook('onSend', async (_req, reply, payload) => {
          reply.header('cache-control', 'no-store');
          return typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html') ? payload.replace(GOOGLE_FONTS, '') : payload;
        });
        await scope.register(board.registerPlugin());
      },
      { prefix: QUEUES_PATH },
    );
    this.logger.log(queue ? `BullMQ board of queue ${QUEUE_NAME} at ${QUEUES_PATH} (admins only)` : `${QUEUES_PATH}: jobs run in-process (no Redis)`);
  }

  /** The console guard's rules for a Fastify route; answers (and so ends the request) when it refuses. */
  private async admit(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const api = req.url.startsWith(`${QUEUES_PATH}/api/`);
    // The board polls its API every few seconds: like the console's live panels, that alone does not keep an idle session alive.
    const found = await this.sessions.find(req.headers.cookie, !(api && req.method === 'GET'));
    if (!found) {
      if (api || req.method !== 'GET') return reply.code(401).header('cache-control', 'no-store').send({ error: 'sign in to the console' });
      return reply.header('cache-control', 'no-store').redirect(`/console/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    }
    const { session } = found;
    const path = req.url.split('?')[0] ?? req.url;
    const refuse = async (why: string, detail: Record<string, string>) => {
      await this.audit.record({ operator: session.username, action: 'REFUSED', correlationId: req.id, detail: { ...detail, path, method: req.method } });
      reply.code(403).header('cache-control', 'no-store');
      return api ? reply.send({ error: why }) : reply.type('text/html; charset=utf-8').send(messagePage('Not allowed', why));
    };
    if (!can(session.role, 'queues')) return refuse(`the ${session.role.toLowerCase()} role may not do this`, { permission: 'queues' });
    this.admitted.set(req, session);
    if (req.method === 'GET' || req.method === 'HEAD') return undefined;
    // A change: from our own pages only (the session cookie is SameSite=Strict as well), and on the record before it is made.
    if (req.headers.origin !== this.config.http.publicOrigin) {
      return reply.code(403).header('cache-control', 'no-store').send({ error: 'changes are accepted from this site only' });
    }
    if (!FROM_THE_BOARD.has(`${req.method} ${req.routeOptions.url ?? ''}`)) {
      return refuse('this queue action is not available from the console', { action: 'queue' });
    }
    await this.audit.record({ operator: session.username, action: 'QUEUE_CHANGED', correlationId: req.id, detail: { method: req.method, path } });
    return undefined;
  }
}
