import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SaldoConfig } from '#config';
import {
  DEFAULT_POS_FRAMING,
  ISO87A,
  ISO87B,
  PosConnection,
  PosMessageHandler,
  type PosConnectionOptions,
  type PosFramingProfile,
} from '#channels/pos';

const FRAMINGS: Readonly<Record<SaldoConfig['pos']['framing'], PosFramingProfile>> = {
  binary2: DEFAULT_POS_FRAMING,
  ascii4: { ...DEFAULT_POS_FRAMING, lengthHeader: 'ascii4' },
  'bcd2-tpdu': { ...DEFAULT_POS_FRAMING, lengthHeader: 'bcd2', tpduBytes: 5 },
};

/** Extra time a draining connection gets beyond the request budget before it is cut. */
const DRAIN_GRACE_MS = 1_000;

/**
 * The POS terminals' TCP (or TLS) listener. It starts with the application and, on shutdown,
 * stops accepting, lets every connection answer what it has in flight, then closes them — before
 * the database and Redis close, so those answers are still audited.
 */
@Injectable()
export class PosListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PosListener');
  private readonly connections = new Set<PosConnection>();
  private readonly options: PosConnectionOptions;
  private server?: Server;

  constructor(
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
    @Inject(PosMessageHandler) private readonly handler: PosMessageHandler,
  ) {
    const pos = config.pos;
    this.options = {
      spec: pos.profile === 'iso87b' ? ISO87B : ISO87A,
      framing: FRAMINGS[pos.framing],
      requestBudgetMs: pos.requestBudgetMs,
      idleTimeoutMs: pos.idleTimeoutMs,
      maxInFlight: pos.maxInFlight,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const pos = this.config.pos;
    if (!pos.enabled) return;
    const accept = (socket: Socket) => this.accept(socket);
    this.server = pos.tls
      ? createTlsServer({ cert: readFileSync(pos.tls.certFile), key: readFileSync(pos.tls.keyFile) }, accept)
      : createServer(accept);
    this.server.maxConnections = pos.maxConnections;
    this.server.on('error', (err) => this.logger.error(`POS listener: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(pos.port, pos.host, () => resolve());
    });
    const address = this.address();
    this.logger.log(`POS terminals: ${pos.tls ? 'TLS' : 'TCP'} ${address?.address}:${address?.port} (${pos.profile}, ${pos.framing})`);
  }

  /** Where the listener is bound (the port is chosen by the system when POS_PORT is 0). */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const budget = this.options.requestBudgetMs + DRAIN_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const c of this.connections) c.destroy();
        resolve();
      }, budget);
    });
    await Promise.race([Promise.all([...this.connections].map((c) => c.drain())), cut]);
    clearTimeout(timer);
    await closed;
  }

  private accept(socket: Socket): void {
    const connection = new PosConnection(socket, this.handler, this.options, this.logger);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
    connection.start();
  }
}
