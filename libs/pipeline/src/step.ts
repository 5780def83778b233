import type { QueryContext } from './context.js';

/**
 * One stage of the pipeline. It either leaves the context without an outcome (pass) or ends the
 * query with `ctx.end(code)`. Business results never throw; a throw is a system error.
 */
export interface PipelineStep {
  readonly name: string;
  /** A step with nothing to wait for returns nothing: the pipeline awaits only the promises it gets. */
  run(ctx: QueryContext): void | Promise<void>;
}
