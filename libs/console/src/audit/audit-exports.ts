import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobHandlers, JobQueue, MessageMemory } from '#platform';
import { filterQuery, parseAuditFilter, type AuditFilter } from './audit-filter.js';
import { AuditSearch } from './audit-search.js';
import { CSV_HEADER, csvRow } from './csv.js';

export const AUDIT_EXPORT_JOB = 'console.audit-export';
/** Beyond this an export is refused: narrow the period instead (a day of a busy gateway is more). */
export const MAX_EXPORT_ROWS = 100_000;
/** The file and its progress are kept for an hour, in Redis (or memory when embedded), never on a disk. */
export const EXPORT_TTL_MS = 60 * 60_000;
const BATCH = 2_000;
/** An export that never finishes (a worker lost) frees its operator after this. */
const RUNNING_MS = 10 * 60_000;

export interface ExportStatus {
  readonly operator: string;
  readonly state: 'queued' | 'running' | 'done' | 'failed';
  readonly done: number;
  readonly total: number;
  readonly createdAt: string;
}

interface ExportJobData {
  readonly exportId: string;
  readonly query: Record<string, string>;
}

/** Audit exports to CSV as a background job (the worker, or the API in embedded mode), with progress. */
@Injectable()
export class AuditExports implements OnModuleInit {
  private readonly logger = new Logger('AuditExports');

  constructor(
    @Inject(AuditSearch) private readonly search: AuditSearch,
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(JobHandlers) private readonly handlers: JobHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.register(AUDIT_EXPORT_JOB, (data) => this.run(data as ExportJobData));
  }

  async request(filter: AuditFilter, operator: string): Promise<{ id: string; total: number } | { tooMany: number } | { running: string }> {
    const total = await this.search.count(filter);
    if (total > MAX_EXPORT_ROWS) return { tooMany: total };
    const id = randomUUID();
    // One export at a time per operator: each holds its file in Redis for an hour.
    const running = await this.memory.claim(runningKey(operator), id, RUNNING_MS);
    if (running !== null) {
      const state = (await this.status(running))?.state;
      if (state === 'queued' || state === 'running') return { running };
      await this.memory.set(runningKey(operator), id, RUNNING_MS);
    }
    await this.save(id, { operator, state: 'queued', done: 0, total, createdAt: new Date().toISOString() });
    await this.queue.enqueue(AUDIT_EXPORT_JOB, { exportId: id, query: filterQuery(filter) } satisfies ExportJobData, { attempts: 3 });
    return { id, total };
  }

  async status(id: string): Promise<ExportStatus | undefined> {
    const raw = await this.memory.get(statusKey(id));
    return raw ? (JSON.parse(raw) as ExportStatus) : undefined;
  }

  async file(id: string): Promise<string | undefined> {
    return (await this.memory.get(fileKey(id))) ?? undefined;
  }

  async run(data: ExportJobData): Promise<void> {
    const status = await this.status(data.exportId);
    if (!status || status.state === 'done') return;
    const { filter, problems } = parseAuditFilter(data.query);
    if (problems.length) throw new Error(`export ${data.exportId}: ${problems.join('; ')}`);
    const parts = [CSV_HEADER];
    let done = 0;
    let before: bigint | undefined;
    try {
      do {
        const page = await this.search.page(filter, BATCH, before);
        for (const row of page.rows) parts.push(csvRow(row));
        done += page.rows.length;
        before = page.next;
        await this.save(data.exportId, { ...status, state: 'running', done: Math.min(done, MAX_EXPORT_ROWS), total: Math.max(status.total, done) });
      } while (before !== undefined && done < MAX_EXPORT_ROWS);
      await this.memory.set(fileKey(data.exportId), parts.join(''), EXPORT_TTL_MS);
      await this.save(data.exportId, { ...status, state: 'done', done, total: done });
      await this.memory.delete(runningKey(status.operator));
    } catch (error) {
      this.logger.error(`export ${data.exportId} failed: ${(error as Error).message}`);
      await this.save(data.exportId, { ...status, state: 'failed', done, total: status.total });
      throw error;
    }
  }

  private async save(id: string, status: ExportStatus): Promise<void> {
    await this.memory.set(statusKey(id), JSON.stringify(status), EXPORT_TTL_MS);
  }
}

function statusKey(id: string): string {
  return `console:export:${id}`;
}

function runningKey(operator: string): string {
  return `console:export-running:${operator}`;
}

function fileKey(id: string): string {
  return `console:export:${id}:csv`;
}
