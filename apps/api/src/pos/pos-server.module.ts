import { Module } from '@nestjs/common';
import { PosChannelModule } from '#channels/pos';
import { PosListener } from './pos-listener.js';

@Module({
  imports: [PosChannelModule],
  providers: [PosListener],
  exports: [PosListener],
})
export class PosServerModule {}
