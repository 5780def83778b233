export { ConsoleModule } from './console.module.js';
export { ConsoleJobsModule } from './console-jobs.module.js';
export { runOperatorCommand, type OperatorCommandIo } from './operators/operator-commands.js';
