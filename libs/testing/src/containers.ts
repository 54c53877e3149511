import {
  GenericContainer,
  getContainerRuntimeClient,
  StartedTestContainer,
  Wait,
} from 'testcontainers';

/** The variables tests read to find PostgreSQL, NATS and Redis (see testServers). */
export const SERVER_VARIABLES = ['POSTGRES_URL', 'NATS_URL', 'REDIS_URL'] as const;

export interface ContainerServers {
  env: Record<(typeof SERVER_VARIABLES)[number], string>;
  stop(): Promise<void>;
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();

    return true;
  } catch {
    return false;
  }
}

/**
 * On a machine with Docker where no server address is given, starts
 * PostgreSQL, NATS with JetStream and Redis in containers and returns the
 * variables that point at them. Otherwise (an address given, or no Docker, as
 * on machines that run the servers themselves) starts nothing.
 */
export async function startServersInContainers(
  env: Record<string, string | undefined> = process.env,
): Promise<ContainerServers | undefined> {
  if (SERVER_VARIABLES.some((name) => env[name]) || !(await dockerAnswers())) {
    return undefined;
  }
  const started: StartedTestContainer[] = await Promise.all([
    new GenericContainer('postgres:15-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start(),
    new GenericContainer('redis:7-alpine').withExposedPorts(6379).start(),
  ]);
  const [postgres, nats, redis] = started;

  return {
    env: {
      POSTGRES_URL: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
      NATS_URL: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
      REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    },
    stop: async () => {
      await Promise.all(started.map((container) => container.stop()));
    },
  };
}

const holder = globalThis as { __conferContainers?: ContainerServers };

/** For a Jest global setup: containers when wanted, their addresses in the environment workers inherit. */
export async function provideContainerServers(): Promise<void> {
  const servers = await startServersInContainers();
  if (servers) {
    Object.assign(process.env, servers.env);
    holder.__conferContainers = servers;
  }
}

/** For the matching global teardown. */
export async function releaseContainerServers(): Promise<void> {
  await holder.__conferContainers?.stop();
  holder.__conferContainers = undefined;
}
