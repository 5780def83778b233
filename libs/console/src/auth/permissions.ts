import type { OperatorRole } from '#db';

/** What an operator may do in the console; each route names the one it needs. */
export type Permission = 'dashboard' | 'audit' | 'cards' | 'cards.unlock' | 'manage' | 'queues';

const GRANTS: Record<OperatorRole, ReadonlySet<Permission>> = {
  ADMIN: new Set<Permission>(['dashboard', 'audit', 'cards', 'cards.unlock', 'manage', 'queues']),
  // Support answers a cardholder's call: find the card, unlock it, see what was asked of it.
  SUPPORT: new Set<Permission>(['cards', 'cards.unlock']),
  // Auditors read: the audit trail (and its export) and the dashboards, nothing that changes state.
  AUDITOR: new Set<Permission>(['dashboard', 'audit']),
};

export function can(role: OperatorRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Where an operator lands after signing in: the first page the role may see. */
export function homeOf(role: OperatorRole): string {
  return can(role, 'dashboard') ? '/console' : '/console/cards';
}
