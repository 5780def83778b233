export { WebChannelModule } from './web.module.js';
