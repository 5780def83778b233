import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { MESSAGE_SPECS_BY_NAME, PosConnection, PosMessageHandler, POS_FRAMINGS_BY_NAME, type PosConnectionOptions } from '#channels/pos';

/** Extra time a draining connection gets beyond the request budget before it is cut. */
const DRAIN_GRACE_MS = 1_000;

interface Listening {
  readonly server: Server;
  readonly options: PosConnectionOptions;
}

/**
 * The POS terminals' TCP (or TLS) listeners: the main one (POS_PORT), and one per terminal group
 * that talks another profile or framing (POS_GROUP_LISTENERS). They start with the application
 * and, on shutdown, stop accepting, let every connection answer what it has in flight, then close
 * them — before the database and Redis close, so those answers are still audited.
 */
@Injectable()
export class PosListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PosListener');
  private readonly connections = new Set<PosConnection>();
  private readonly listening: Listening[] = [];

  constructor(
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
    @Inject(PosMessageHandler) private readonly handler: PosMessageHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pos = this.config.pos;
    if (!pos.enabled) return;
    for (const group of [{ port: pos.port, profile: pos.profile, framing: pos.framing }, ...pos.groupListeners]) {
      const options: PosConnectionOptions = {
        spec: MESSAGE_SPECS_BY_NAME[group.profile],
        framing: POS_FRAMINGS_BY_NAME[group.framing],
        requestBudgetMs: pos.requestBudgetMs,
        idleTimeoutMs: pos.idleTimeoutMs,
        maxInFlight: pos.maxInFlight,
      };
      const server = await this.listen(group.port, options);
      this.listening.push({ server, options });
      const address = server.address() as AddressInfo;
      this.logger.log(`POS terminals: ${pos.tls ? 'TLS' : 'TCP'} ${address.address}:${address.port} (${group.profile}, ${group.framing})`);
    }
  }

  /** Where the main listener is bound (the port is chosen by the system when POS_PORT is 0). */
  address(): AddressInfo | undefined {
    return this.addresses()[0];
  }

  /** Every listener's address: the main one first, then the groups' in POS_GROUP_LISTENERS order. */
  addresses(): AddressInfo[] {
    return this.listening.map((l) => l.server.address()).filter((a): a is AddressInfo => a !== null && typeof a === 'object');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.listening.length === 0) return;
    const closed = Promise.all(this.listening.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    const budget = this.config.pos.requestBudgetMs + DRAIN_GRACE_MS;
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

  private async listen(port: number, options: PosConnectionOptions): Promise<Server> {
    const pos = this.config.pos;
    const accept = (socket: Socket) => this.accept(socket, options);
    const server = pos.tls ? createTlsServer({ cert: readFileSync(pos.tls.certFile), key: readFileSync(pos.tls.keyFile) }, accept) : createServer(accept);
    server.maxConnections = pos.maxConnections;
    server.on('error', (err: Error) => this.logger.error(`POS listener: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, pos.host, () => resolve());
    });
    return server;
  }

  private accept(socket: Socket, options: PosConnectionOptions): void {
    const connection = new PosConnection(socket, this.handler, options, this.logger);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
    connection.start();
  }
}
