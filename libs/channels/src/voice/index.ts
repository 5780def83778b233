export { VoiceChannelModule } from './voice.module.js';
