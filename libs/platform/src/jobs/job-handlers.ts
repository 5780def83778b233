import { Injectable } from '@nestjs/common';
import type { JobHandler } from './job-queue.port.js';

export class UnknownJobError extends Error {}

/** Job name → handler. Feature modules register their handlers; both queue drivers run them. */
@Injectable()
export class JobHandlers {
  private readonly handlers = new Map<string, JobHandler>();

  register(name: string, handler: JobHandler): void {
    if (this.handlers.has(name)) throw new Error(`job handler ${name} is registered twice`);
    this.handlers.set(name, handler);
  }

  async run(name: string, data: unknown): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new UnknownJobError(`no handler for job ${name}`);
    await handler(data);
  }
}
