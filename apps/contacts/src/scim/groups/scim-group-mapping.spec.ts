import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConferError } from '@confer/errors';

import { applyPatch } from '../patch/scim-patch';
import { SCHEMA } from '../scim-json';
import { fromScimGroup, ScimGroupRow, toScimGroup } from './scim-group-mapping';

const FIXTURES = join(__dirname, '../../../test/fixtures/scim');
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `scim--${name}.json`), 'utf8')) as Record<string, unknown>;

const BABS = '2819c223-7f76-453a-919d-413861904646';
const ROW: ScimGroupRow = {
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  orgId: '0b6f1f49-5f2e-4f0e-8d43-3f6f3a1e2c22',
  parentId: 'fc348aa8-3835-40eb-a20b-c726e15c55b5',
  name: 'Tour Guides',
  sourceId: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  path: ['fc348aa8-3835-40eb-a20b-c726e15c55b5', 'e9e30dba-f08f-4109-8486-d5c6a331660a'],
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};
const RULES = { extensions: [SCHEMA.department], readOnly: ['id', 'meta'] };

function failure(run: () => unknown): ConferError {
  try {
    run();
  } catch (error) {
    return error as ConferError;
  }
  throw new Error('expected a failure');
}

describe('SCIM group mapping', () => {
  it('represents a department with its members and its parent in the extension', () => {
    const group = toScimGroup(
      ROW,
      [{ id: BABS, displayName: 'Babs Jensen' }],
      'https://c.example/scim/v2',
    );

    expect(group).toMatchObject({
      schemas: [SCHEMA.group, SCHEMA.department],
      id: ROW.id,
      displayName: 'Tour Guides',
      members: [{ value: BABS, display: 'Babs Jensen', type: 'User' }],
      [SCHEMA.department]: { parent: ROW.parentId },
    });
    expect(group).not.toHaveProperty('externalId');
  });

  it('adds members with the RFC example, and removes them by a members path filter', () => {
    const start = toScimGroup(ROW, [], 'https://c.example/scim/v2');

    const added = applyPatch(start, fixture('rfc7644-3.5.2.1-patch_op-add_members'), RULES);
    expect(fromScimGroup(added).memberIds).toEqual([BABS]);

    const removed = applyPatch(
      added,
      {
        schemas: [SCHEMA.patchOp],
        Operations: [{ op: 'remove', path: `members[value eq "${BABS}"]` }],
      },
      RULES,
    );
    expect(fromScimGroup(removed).memberIds).toEqual([]);
  });

  it('reads a parent, an externalId and distinct members', () => {
    expect(
      fromScimGroup({
        schemas: [SCHEMA.group, SCHEMA.department],
        displayName: ' Sales ',
        externalId: 'ou=sales',
        members: [{ value: BABS.toUpperCase() }, { value: BABS }],
        [SCHEMA.department]: { parent: ROW.id },
      }),
    ).toEqual({ name: 'Sales', externalId: 'ou=sales', parentId: ROW.id, memberIds: [BABS] });
  });

  it.each([
    [{ displayName: 'x' }, 'scim.invalid_syntax'],
    [{ schemas: [SCHEMA.group] }, 'scim.invalid_value'],
    [
      { schemas: [SCHEMA.group], displayName: 'x', members: [{ value: 'bob' }] },
      'scim.invalid_value',
    ],
    [
      { schemas: [SCHEMA.group], displayName: 'x', [SCHEMA.department]: { parent: 'root' } },
      'scim.invalid_value',
    ],
    [{ schemas: [SCHEMA.group], displayName: 'x', externalId: 7 }, 'scim.invalid_value'],
  ])('refuses %j', (body, code) => {
    expect(failure(() => fromScimGroup(body)).code).toBe(code);
  });
});
