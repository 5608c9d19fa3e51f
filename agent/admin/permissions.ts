import type { Permission, Role } from './types.js';
import { ROLES } from './types.js';

const OPERATOR: readonly Permission[] = [
  'devices:view',
  'devices:command',
  'scans:view',
  'metrics:view',
  'config:view',
];

const ADMIN: readonly Permission[] = [...OPERATOR, 'config:edit', 'users:manage', 'audit:view'];

const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(ADMIN),
  operator: new Set(OPERATOR),
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return [...GRANTS[role]];
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}
