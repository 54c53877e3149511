import { connect } from 'nats';
import { Client } from 'pg';

import { ServerAddresses } from './check-servers';
import { DirectoryAccess, LOCAL_DIRECTORY, removeSubtree } from './directory-loader';

/**
 * Removes what a stack left on the shared servers: its databases
 * (`<prefix>_*`), its JetStream streams (`<PREFIX>_*`) and its subtree of the
 * directory (`ou=<prefix>,dc=example,dc=cn`, the demo organisation's people;
 * skipped when the directory server does not answer). For test stacks,
 * whose prefix is unique to one run; never call it with the dev prefix
 * unless the demo data is meant to go.
 */
export async function removeStackData(
  servers: ServerAddresses,
  prefix: string,
  directory: DirectoryAccess = LOCAL_DIRECTORY,
): Promise<void> {
  const client = new Client({ connectionString: servers.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${prefix.replace(/_/g, '\\_')}\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
  const nats = await connect({ servers: servers.natsUrl, name: 'confer-stack-cleanup' });
  try {
    const manager = await nats.jetstreamManager();
    const streamPrefix = `${prefix}_`.toUpperCase();
    for await (const name of manager.streams.names()) {
      if (name.startsWith(streamPrefix)) {
        await manager.streams.delete(name);
      }
    }
  } finally {
    await nats.close();
  }
  await removeSubtree(directory, `ou=${prefix},${directory.baseDn}`).catch(() => undefined);
}
