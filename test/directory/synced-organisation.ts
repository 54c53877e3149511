import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import {
  LdifEntry,
  LOCAL_DIRECTORY,
  loadEntries,
  provisionOrganisation,
  readLdif,
  rebase,
  removeSubtree,
  subtreeRoot,
} from '@confer/stack';
import { testDirectoryServer } from '@confer/testing';

import { ApiClient, E2eStack } from '../support';

export const FIXTURE_CASES = join(
  __dirname,
  '..',
  '..',
  'libs',
  'testing',
  'fixtures',
  'directory',
  'people-search-cases.json',
);

/** An organisation of the running stack whose directory is the shipped fixture, in a subtree of its own. */
export interface SyncedOrganisation {
  orgId: string;
  /** The organisation's own mail domain: the fixture's addresses are moved into it. */
  domain: string;
  /** ou=<name>,dc=example,dc=cn */
  subtree: string;
  /** The fixture's entries as loaded (DNs and addresses moved). */
  entries: LdifEntry[];
  /** Signed in as the organisation's first administrator (added by hand, not synced). */
  admin: ApiClient;
  /** The address of a person by uid. */
  emailOf(uid: string): string;
  /** The settings the administrator stored (PUT /admin/directory/ldap body). */
  settings: Record<string, unknown>;
}

export interface SyncRunBody {
  id: string;
  mode: string;
  status: string;
  progress: { processed: number; total: number };
  report: Record<string, number> & { failures: { reason: string; dn: string }[] };
  error: { code: string; message: string } | null;
}

const ADMIN_PASSWORD = 'e2e-directory-admin-2026';

/**
 * Registers hooks that load the fixture LDIF into the local slapd under a
 * subtree unique to this spec and stack, provision an organisation with one
 * administrator (the platform's part), and, as that administrator through the
 * gateway, store the directory settings. Nothing is synced yet. The subtree is
 * removed afterwards.
 */
export function useSyncedOrganisation(
  stack: () => E2eStack,
  name: string,
): () => SyncedOrganisation {
  let current: SyncedOrganisation | undefined;
  const directory = testDirectoryServer();

  beforeAll(async () => {
    const token = randomBytes(3).toString('hex');
    const domain = `${name}-${token}.example.cn`;
    const subtreeName = `${stack().prefix}-${name}`;
    const subtree = `ou=${subtreeName},${directory.baseDn}`;
    const entries = rebase(readLdif(directory.ldifPath), directory.baseDn, subtree).map(
      (entry) => ({
        dn: entry.dn,
        attributes: new Map(
          [...entry.attributes].map(([attribute, values]) => [
            attribute,
            attribute === 'mail'
              ? values.map((mail) => mail.replace(/@example\.cn$/, `@${domain}`))
              : values,
          ]),
        ),
      }),
    );
    await removeSubtree(LOCAL_DIRECTORY, subtree);
    await loadEntries(LOCAL_DIRECTORY, [subtreeRoot(subtreeName, directory.baseDn), ...entries]);
    const adminEmail = `it-admin@${domain}`;
    const { orgId } = await provisionOrganisation(
      {
        contactsGrpcUrl: stack().apps.contacts.grpcUrl!,
        authGrpcUrl: stack().apps['auth-2fa'].grpcUrl!,
      },
      { name: `示例科技 ${name}`, domain },
      { email: adminEmail, displayName: '目录管理员', password: ADMIN_PASSWORD },
    );
    const admin = await ApiClient.login(stack().gatewayUrl, adminEmail, ADMIN_PASSWORD);
    const settings = {
      url: directory.url,
      bindDn: directory.bindDn,
      bindPassword: directory.password,
      peopleBaseDn: `ou=people,${subtree}`,
      departmentsBaseDn: `ou=org,${subtree}`,
      groupsBaseDn: `ou=groups,${subtree}`,
    };
    const stored = await admin.request('PUT', '/admin/directory/ldap', settings);
    if (stored.status !== 200) {
      throw new Error(
        `storing the LDAP settings answered ${stored.status}: ${JSON.stringify(stored.body)}`,
      );
    }
    const uidByEmail = new Map(
      entries.flatMap((entry) => {
        const uid = entry.attributes.get('uid')?.[0];

        return uid ? [[uid, entry.attributes.get('mail')?.[0]?.toLowerCase() ?? ''] as const] : [];
      }),
    );
    current = {
      orgId,
      domain,
      subtree,
      entries,
      admin,
      settings,
      emailOf: (uid) => uidByEmail.get(uid) ?? `${uid}@${domain}`,
    };
  }, 120_000);

  afterAll(async () => {
    if (current) {
      await removeSubtree(LOCAL_DIRECTORY, current.subtree);
    }
  }, 120_000);

  return () => {
    if (!current) {
      throw new Error('the organisation is not set up: call the returned function inside a test');
    }

    return current;
  };
}

/** Starts a run through the admin API and polls it to its end. */
export async function syncToEnd(
  admin: ApiClient,
  mode: 'full' | 'incremental',
): Promise<{ started: SyncRunBody; ended: SyncRunBody; seen: SyncRunBody[] }> {
  const response = await admin.post<SyncRunBody>('/admin/directory/sync', { mode });
  if (response.status !== 202) {
    throw new Error(
      `starting a sync answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  const seen: SyncRunBody[] = [];
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const polled = await admin.get<SyncRunBody>(`/admin/directory/sync/${response.body.id}`);
    seen.push(polled.body);
    if (polled.body.status !== 'running') {
      return { started: response.body, ended: polled.body, seen };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sync run ${response.body.id} did not end within two minutes`);
}
