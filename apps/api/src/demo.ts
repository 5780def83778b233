import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { SaldoConfig } from '#config';
import { DEMO_PARTNERS, seedDemoIfEmpty, seedDepsFrom } from '#seed';

/** `npm start`: seed the demo data into an empty database (DbModule has applied the migrations). */
export async function prepareDemo(app: INestApplication, config: SaldoConfig): Promise<void> {
  const log = app.get(Logger);
  const report = await seedDemoIfEmpty(seedDepsFrom(app, config));
  if (report) {
    const kcvs = report.keys.map((k) => `${k.ref} KCV ${k.kcv}`).join(', ');
    log.log(`demo data seeded: ${report.cards} cards, ${report.transactions} transactions; keys ${kcvs}`);
  }
}

/** The start-up banner: where to go and which demo credentials to use (never a card number). */
export function announce(app: INestApplication, config: SaldoConfig): void {
  const log = app.get(Logger);
  const base = config.http.publicBaseUrl;
  const storage = config.database.driver === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  const queues = config.redis ? 'Redis (BullMQ)' : 'in-process queue, in-memory limits';
  log.log(`Saldo API listening on ${base} (storage: ${storage}; jobs: ${queues})`);
  log.log(`OpenAPI: ${base}/docs  health: ${base}/health/ready`);
  if (config.twilio.usesDevelopmentAuthToken) {
    log.warn('Twilio webhooks are checked with the development auth token (no TWILIO_AUTH_TOKEN): for demos and the simulators only');
  }
  if (config.demoMode) {
    const partners = DEMO_PARTNERS.map((p) => `${p.clientId} / ${p.secret}`).join(', ');
    log.log(`demo partner clients: ${partners}`);
    log.log(`console ${base}/console — demo operators: admin / ${config.demoPasswords.admin}, support / ${config.demoPasswords.support}, auditor / ${config.demoPasswords.auditor}`);
    if (config.pos.enabled) {
      log.log(`demo POS terminals SALDO001-003; try: npx saldo-pos --port ${config.pos.port} --pan 4761739001010010 --pin 1234`);
    }
    const sms = config.sms.provider === 'outbox' ? 'replies stay in the outbox' : `replies go out through ${config.sms.provider}`;
    log.log(`demo phones +15555550100 (Alice, phone PIN 135790) and +8613800138000 (Li Wei, 246802); ${sms}`);
    log.log(`try: npx saldo-sms --url ${base} --from +15555550100 "BAL"   and   npx saldo-call --url ${base} --from +15555550100 --digits 135790,1,0`);
    log.log('demo cards: see README "Demo data"; try: curl -u wallet-app:wallet-app-secret -d grant_type=client_credentials ' + `${base}/oauth/token`);
  }
}
