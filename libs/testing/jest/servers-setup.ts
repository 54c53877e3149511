import { startServersInContainers } from '../src/containers';

/**
 * Jest global setup of the integration project: containers for PostgreSQL,
 * NATS and Redis when Docker answers and no address is given; the workers
 * inherit the variables set here.
 */
export default async function setup(): Promise<void> {
  const servers = await startServersInContainers();
  if (servers) {
    Object.assign(process.env, servers.env);
    (globalThis as { __conferContainers?: typeof servers }).__conferContainers = servers;
  }
}
