import { ConnectionOptions, rootCertificates } from 'node:tls';

import {
  AndFilter,
  Client,
  Entry,
  Filter,
  FilterParser,
  GreaterThanEqualsFilter,
  InvalidCredentialsError,
  ResultCodeError,
} from 'ldapts';

import { SyncRunError } from './directory-sync.errors';
import { mergeRepeatedAttributes } from './ldap-repeated-attributes';
import { LdapSearchBase, LdapSettings } from './ldap-settings';

mergeRepeatedAttributes();

/** An entry as read: its identity, DN, last change and attributes by lower-case name. */
export interface DirectoryEntry {
  sourceId: string;
  dn: string;
  /** modifyTimestamp, LDAP generalized time (20261204175028Z). */
  modifiedAt: string;
  values: Map<string, string[]>;
  /** Attributes (lower case) holding a value that is not UTF-8, left out of `values`. */
  undecodable: Set<string>;
}

/** What a person entry is reduced to by the cheap full listing used to detect deletions. */
export interface EntryRef {
  sourceId: string;
  dn: string;
}

const GENERALIZED_TIME = /^\d{14}(?:[.,]\d+)?Z$/;
const OPERATIONAL = ['entryUUID', 'modifyTimestamp'];
// Values that are not UTF-8 are refused rather than turned into replacement characters.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

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
    const tlsOptions = tlsOptionsOf(settings);
    const client = new Client({
      url: settings.url,
      timeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
      tlsOptions: settings.url.startsWith('ldaps:') ? tlsOptions : undefined,
    });
    try {
      if (settings.tls.startTls) {
        await client.startTLS(tlsOptions);
      }
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

  /**
   * People entries with every mapped attribute, or only those changed since the
   * mark, each turned by `map` as its page arrives: at 100,000 people, keeping
   * every raw entry until the last page came cost more in garbage collection
   * than the reading itself.
   */
  people<T>(since: string | undefined, map: (entry: DirectoryEntry) => T): Promise<T[]> {
    const { attributes } = this.settings;
    const wanted = [...new Set(Object.values(attributes))];

    return this.entries(this.settings.people, 'sub', wanted, since, map);
  }

  /** Every person's identity and DN, without attributes: the cheap check for deletions. */
  async peopleRefs(): Promise<EntryRef[]> {
    return this.entries(this.settings.people, 'sub', [], undefined, ({ sourceId, dn }) => ({
      sourceId,
      dn,
    }));
  }

  /** Member DNs of the administrators' group; empty when none is configured. */
  async administrators(): Promise<string[]> {
    const groupDn = this.settings.adminGroupDn;
    if (!groupDn) {
      return [];
    }
    const member = this.settings.attributes.groupMember;
    try {
      const { searchEntries } = await this.client.search(groupDn, {
        scope: 'base',
        attributes: [member],
      });
      const entry = searchEntries[0];

      return entry ? (toDirectoryEntry(entry).values.get(member.toLowerCase()) ?? []) : [];
    } catch (error) {
      throw asDirectoryError(error);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }

  private async entries(
    base: LdapSearchBase,
    scope: 'sub' | 'subordinates',
    attributes: string[],
    since?: string,
  ): Promise<DirectoryEntry[]>;
  private async entries<T>(
    base: LdapSearchBase,
    scope: 'sub' | 'subordinates',
    attributes: string[],
    since: string | undefined,
    map: (entry: DirectoryEntry) => T,
  ): Promise<T[]>;
  private async entries<T>(
    base: LdapSearchBase,
    scope: 'sub' | 'subordinates',
    attributes: string[],
    since?: string,
    map?: (entry: DirectoryEntry) => T,
  ): Promise<(T | DirectoryEntry)[]> {
    if (since !== undefined && !GENERALIZED_TIME.test(since)) {
      throw new Error(`Not an LDAP generalized time: ${since}`);
    }
    try {
      // Built as filter objects, which escape values: nothing is spliced into filter text.
      let filter: Filter = FilterParser.parseString(base.filter);
      if (since) {
        const changed = new GreaterThanEqualsFilter({ attribute: 'modifyTimestamp', value: since });
        filter = new AndFilter({ filters: [filter, changed] });
      }
      const results: (T | DirectoryEntry)[] = [];
      const pages = this.client.searchPaginated(base.baseDn, {
        scope,
        filter,
        attributes: [...attributes, ...OPERATIONAL],
        paged: { pageSize: this.settings.pageSize },
      });
      for await (const { searchEntries } of pages) {
        for (const entry of searchEntries) {
          const read = toDirectoryEntry(entry);
          results.push(map ? map(read) : read);
        }
      }

      return results;
    } catch (error) {
      throw asDirectoryError(error);
    }
  }
}

function toDirectoryEntry(entry: Entry): DirectoryEntry {
  const values = new Map<string, string[]>();
  const undecodable = new Set<string>();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') {
      continue;
    }
    // ldapts answers strings, or every value as bytes when one of them is not UTF-8.
    const list = Array.isArray(value) ? value : [value];
    const decoded = list.map((item) => (Buffer.isBuffer(item) ? strictUtf8(item) : item));
    if (decoded.some((item) => item === undefined)) {
      undecodable.add(name.toLowerCase());
      continue;
    }
    values.set(name.toLowerCase(), decoded as string[]);
  }

  return {
    sourceId: values.get('entryuuid')?.[0] ?? entry.dn,
    dn: entry.dn,
    modifiedAt: values.get('modifytimestamp')?.[0] ?? '',
    values,
    undecodable,
  };
}

function strictUtf8(bytes: Buffer): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function tlsOptionsOf(settings: LdapSettings): ConnectionOptions {
  return {
    // Node replaces the system's authorities with `ca`; keep them and add the organisation's.
    ca: settings.tls.caCertificate ? [...rootCertificates, settings.tls.caCertificate] : undefined,
    rejectUnauthorized: !settings.tls.skipVerify,
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
  // Without whitespace there is nothing to trim: the same result, far cheaper, for the
  // 100,000 DNs of a large run.
  if (!/\s/.test(dn)) {
    return dn.toLowerCase();
  }

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
