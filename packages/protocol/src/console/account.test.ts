import { describe, expect, it } from 'vitest';
import { roleAllows } from './account.ts';
import { consoleOperations, consoleRoleFor } from './operations.ts';

describe('console roles', () => {
  it('orders owner above admin above viewer', () => {
    expect(roleAllows('owner', 'admin')).toBe(true);
    expect(roleAllows('admin', 'owner')).toBe(false);
    expect(roleAllows('admin', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'admin')).toBe(false);
  });

  it('lets viewers read v1 operations and only admins change things', () => {
    expect(consoleRoleFor({ method: 'GET' })).toBe('viewer');
    for (const method of ['POST', 'PATCH', 'DELETE'] as const) expect(consoleRoleFor({ method })).toBe('admin');
  });

  it('asks a signed-in user of every operation but signing in', () => {
    const open = Object.values(consoleOperations).filter((operation) => operation.auth === 'public');
    expect(open.map((operation) => operation.operationId)).toEqual(['signIn']);
  });
});
