import { Client, Entry, InvalidCredentialsError, ResultCodeError } from 'ldapts';

import { LdapSearchBase, LdapSettings } from './ldap-settings';
import { SyncRunError } from './directory-sync.errors';

/** An entry as read: its identity, DN, last change and attributes by lower-case name. */
export interface DirectoryEntry {
  sourceId: string;
  dn: string;
  /** modifyTimestamp, LDAP generalized time (20261204175028Z). */
  modifiedAt: string;
  values: Map<string, string[]>;
}

/** What a person entry is reduced to by the cheap full listing used to detect deletions. */
export interface EntryRef {
  sourceId: string;
  dn: string;
}

const GENERALIZED_TIME = /^\d{14}(?:[.,]\d+)?Z$/;
const OPERATIONAL = ['entryUUID', 'modifyTimestamp'];

/**
 * A bound connection to one organisation's directory. Every search is paged,
 * so no server size limit cuts a listing short; an incremental search asks
 * only for entries changed at or after a high-water mark (a change in the same
 * second as the mark is read twice, which applying treats as no change).
 */
export class LdapDirectory {
  private constructor(
    private readonly client: Client,
    private readonly settings: LdapSettings,
  ) {}

  static async open(settings: LdapSettings): Promise<LdapDirectory> {
    const client = new Client({
      url: settings.url,
      timeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
    });
    try {
      await client.bind(settings.bindDn, settings.bindPassword);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw error instanceof InvalidCredentialsError
        ? SyncRunError.bindFailed(settings.bindDn, error)
        : asDirectoryError(error);
    }

    return new LdapDirectory(client, settings);
  }

  /** Every department entry below the departments base (the base itself excluded). */
  departments(): Promise<DirectoryEntry[]> {
    const { attributes } = this.settings;

    return this.entries(this.settings.departments, 'subordinates', [attributes.departmentName]);
  }

  /** Department groups, or only those changed since the mark; none when no groups are configured. */
  async groups(since?: string): Promise<DirectoryEntry[]> {
    if (!this.settings.groups) {
      return [];
    }
    const { attributes } = this.settings;

    return this.entries(
      this.settings.groups,
      'sub',
      [attributes.groupMember, attributes.groupDepartment, attributes.commonName],
      since,
    );
  }

  /** People entries with every mapped attribute, or only those changed since the mark. */
  people(since?: string): Promise<DirectoryEntry[]> {
    const { attributes } = this.settings;
    const wanted = [...new Set(Object.values(attributes))];

    return this.entries(this.settings.people, 'sub', wanted, since);
  }

  /** Every person's identity and DN, without attributes: the cheap check for deletions. */
  async peopleRefs(): Promise<EntryRef[]> {
    return (await this.entries(this.settings.people, 'sub', [])).map(({ sourceId, dn }) => ({
      sourceId,
      dn,
    }));
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }

  private async entries(
    base: LdapSearchBase,
    scope: 'sub' | 'subordinates',
    attributes: string[],
    since?: string,
  ): Promise<DirectoryEntry[]> {
    if (since !== undefined && !GENERALIZED_TIME.test(since)) {
      throw new Error(`Not an LDAP generalized time: ${since}`);
    }
    const filter = since ? `(&${base.filter}(modifyTimestamp>=${since}))` : base.filter;
    try {
      const { searchEntries } = await this.client.search(base.baseDn, {
        scope,
        filter,
        attributes: [...attributes, ...OPERATIONAL],
        paged: { pageSize: this.settings.pageSize },
      });

      return searchEntries.map(toDirectoryEntry);
    } catch (error) {
      throw asDirectoryError(error);
    }
  }
}

function toDirectoryEntry(entry: Entry): DirectoryEntry {
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') {
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    values.set(
      name.toLowerCase(),
      list.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : item)),
    );
  }

  return {
    sourceId: values.get('entryuuid')?.[0] ?? entry.dn,
    dn: entry.dn,
    modifiedAt: values.get('modifytimestamp')?.[0] ?? '',
    values,
  };
}

/** A failure of the directory as a whole: an error the run reports, never a crash. */
function asDirectoryError(error: unknown): SyncRunError {
  if (error instanceof SyncRunError) {
    return error;
  }
  if (error instanceof ResultCodeError) {
    return SyncRunError.searchFailed(error.code, error);
  }

  return SyncRunError.unavailable(error);
}

/**
 * A DN compared with others: lower case, no spaces around separators. Enough
 * for DNs written by one server; escaped commas stay escaped.
 */
export function normaliseDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

/** The DN of an entry's parent; empty for a top-level entry. */
export function parentDn(dn: string): string {
  const separator = dn.search(/(?<!\\),/);

  return separator < 0 ? '' : dn.slice(separator + 1).trim();
}
