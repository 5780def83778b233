export { ConsoleModule } from './console.module.js';
export { ConsoleJobsModule } from './console-jobs.module.js';
