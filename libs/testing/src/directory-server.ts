import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The real OpenLDAP slapd that `scripts/servers/slapd.sh ensure` runs on
 * loopback, described by the fixture that script reads. It holds the fictional
 * company of `ldifPath` under `baseDn`; `bindDn` is its administrator, which
 * may read and change everything and has no size limit.
 */
export interface TestDirectoryServer {
  url: string;
  host: string;
  port: number;
  baseDn: string;
  bindDn: string;
  password: string;
  /** The LDIF the directory is loaded from, to compare what a search returns with. */
  ldifPath: string;
}

const FIXTURES = join(__dirname, '..', 'fixtures');
const SLAPD_SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'servers', 'slapd.sh');

export function testDirectoryServer(): TestDirectoryServer {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'directory-server.json'), 'utf8')) as {
    host: string;
    port: number;
    baseDn: string;
    bindDn: string;
    password: string;
    ldif: string;
  };

  return {
    url: `ldap://${fixture.host}:${fixture.port}`,
    host: fixture.host,
    port: fixture.port,
    baseDn: fixture.baseDn,
    bindDn: fixture.bindDn,
    password: fixture.password,
    ldifPath: join(FIXTURES, fixture.ldif),
  };
}

/**
 * Reloads the directory from its LDIF (stop, wipe, slapadd, start), for tests
 * that change entries. It takes about half a second and needs root, like the
 * script. Every test run on this machine shares the one directory: a reset
 * undoes changes another run made at the same moment.
 */
export async function resetDirectory(): Promise<void> {
  await promisify(execFile)('bash', [SLAPD_SCRIPT, 'reset'], { timeout: 60_000 });
}
