import { provideContainerServers } from '../src/containers';

/**
 * Jest global setup of the integration project: containers for PostgreSQL,
 * NATS and Redis when Docker answers and no address is given.
 */
export default provideContainerServers;
