import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Attribute, Change, Client } from 'ldapts';

import {
  BenchTree,
  departmentDn,
  groupDn,
  groupLdif,
  ldifEntry,
  personDn,
  personLdif,
  structureLdif,
} from './ldif';
import { Population } from './population';

const run = promisify(execFile);

export interface DirectoryServer {
  url: string;
  bindDn: string;
  password: string;
}

/**
 * Entries per LDAP transaction (RFC 5805, `ldapmodify -E txn=commit`): slapd
 * syncs its database once per transaction instead of once per entry, which
 * makes a load of 100,000 people seconds instead of ten minutes.
 */
const ENTRIES_PER_TRANSACTION = 5_000;

/**
 * Loads and removes a generated directory with OpenLDAP's own clients
 * (ldap-utils) in transactions. The load is not what is measured, but it
 * must be short: every test run on this machine shares the one slapd, and a
 * test that resets it wipes the subtree.
 */
export class BenchDirectory {
  private readonly scratch = mkdtempSync(join(tmpdir(), 'confer-bench-directory-'));
  private readonly passwordFile = join(this.scratch, 'password');

  constructor(
    private readonly server: DirectoryServer,
    private readonly tree: BenchTree,
    private readonly population: Population,
  ) {
    // -y reads the whole file: no trailing newline. Never on a command line (ps shows those).
    writeFileSync(this.passwordFile, server.password, { mode: 0o600 });
  }

  /** Units first (parents before children), then people and groups in parallel chunks. */
  async load(): Promise<void> {
    await this.ldap('ldapadd', [structureLdif(this.tree, this.population)]);
    const entries = [
      ...this.population.people.map((person) => personLdif(this.tree, person)),
      ...this.population.groups.map((group) =>
        groupLdif(this.tree, this.population, group.department),
      ),
    ];
    await this.ldap('ldapadd', chunks(entries, ENTRIES_PER_TRANSACTION));
  }

  /**
   * Deletes every entry of the subtree, leaves first; entries already gone are
   * skipped (-c), so it also cleans up after a load that stopped halfway.
   */
  async remove(): Promise<void> {
    if (!(await this.exists())) {
      return;
    }
    const remove = (dn: string) => ldifEntry(dn, [['changetype', 'delete']]);
    const leaves = [
      ...this.population.people.map((person) => remove(personDn(this.tree, person))),
      ...this.population.groups.map((group) =>
        remove(groupDn(this.tree, this.population, group.department)),
      ),
    ];
    await this.ldap('ldapmodify', chunks(leaves, ENTRIES_PER_TRANSACTION), true);
    const units = this.population.departments
      .map((_, index) => remove(departmentDn(this.tree, this.population, index)))
      .reverse();
    const top = [this.tree.people, this.tree.departments, this.tree.groups, this.tree.base];
    await this.ldap('ldapmodify', [units.join('') + top.map(remove).join('')], true);
  }

  /** Whether anything of the subtree is left (after remove: it should not be). */
  async exists(): Promise<boolean> {
    const client = await this.client();
    try {
      await client.search(this.tree.base, { scope: 'base', attributes: ['ou'] });

      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 32) {
        return false;
      }
      throw error;
    } finally {
      await client.unbind();
    }
  }

  /** Applies changes with ldapts on one connection, eight at a time. */
  async modify(changes: { dn: string; changes: Change[] }[]): Promise<void> {
    const client = await this.client();
    try {
      for (let start = 0; start < changes.length; start += 8) {
        await Promise.all(
          changes.slice(start, start + 8).map((item) => client.modify(item.dn, item.changes)),
        );
      }
    } finally {
      await client.unbind();
    }
  }

  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private async client(): Promise<Client> {
    const client = new Client({ url: this.server.url, timeout: 60_000 });
    await client.bind(this.server.bindDn, this.server.password);

    return client;
  }

  /**
   * Runs an LDAP client on each LDIF in turn, each as one transaction. With
   * `continueOnError` (removal), an LDIF whose transaction fails (an entry
   * already gone) is run again without one, skipping what is missing (-c).
   */
  private async ldap(
    tool: 'ldapadd' | 'ldapmodify',
    ldifs: string[],
    continueOnError = false,
  ): Promise<void> {
    for (const [index, ldif] of ldifs.entries()) {
      const file = join(this.scratch, `${tool}-${index}.ldif`);
      writeFileSync(file, ldif);
      const args = ['-x', '-H', this.server.url, '-D', this.server.bindDn];
      args.push('-y', this.passwordFile, '-f', file);
      try {
        await this.tool(tool, ['-E', 'txn=commit', ...args]).catch(async (error: unknown) => {
          if (!continueOnError) {
            throw error;
          }
          await this.tool(tool, ['-c', ...args]).catch((again: unknown) => {
            // ldapmodify -c exits 32 when the last entry it tried was already gone.
            if ((again as { code?: number }).code !== 32) {
              throw again;
            }
          });
        });
      } catch (error) {
        const failure = error as { stderr?: string; code?: number };
        const detail = (failure.stderr ?? '').trim().split('\n').slice(-3).join(' / ');
        throw new Error(`${tool} failed (exit ${failure.code}): ${detail}`);
      } finally {
        rmSync(file, { force: true });
      }
    }
  }

  private async tool(tool: string, args: string[]): Promise<void> {
    await run(tool, args, { maxBuffer: 64 * 1024 * 1024 });
  }
}

function chunks(entries: string[], size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < entries.length; start += size) {
    result.push(entries.slice(start, start + size).join(''));
  }

  return result;
}

export { Attribute, Change };
