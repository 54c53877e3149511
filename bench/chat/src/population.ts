import { randomBytes } from 'node:crypto';

import { ApiClient, LiveConnection, LiveFrame } from '@confer/chat-client';

export interface BenchUser {
  index: number;
  userId: string;
  client: ApiClient;
  devices: LiveConnection[];
}

export interface PopulationOptions {
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
  users: number;
  devicesPerUser: number;
  concurrency?: number;
  onFrame?: (user: number, device: number, frame: LiveFrame) => void;
}

/** Creates users through the API, logs each in and opens its devices' WebSockets. */
export async function createPopulation(options: PopulationOptions): Promise<BenchUser[]> {
  const admin = new ApiClient(options.gatewayUrl);
  await admin.login(options.adminEmail, options.adminPassword, 'confer-bench');
  const domain = options.adminEmail.split('@')[1];
  const runId = randomBytes(3).toString('hex');
  const password = randomBytes(12).toString('base64url');
  const users: BenchUser[] = new Array(options.users);
  let next = 0;
  const worker = async () => {
    while (next < options.users) {
      const index = next++;
      const email = `bench-${runId}-${index}@${domain}`;
      const user = await admin.createUser({ email, displayName: `Bench ${index}`, password });
      const client = new ApiClient(options.gatewayUrl);
      await client.login(email, password, 'confer-bench');
      users[index] = { index, userId: user.id, client, devices: [] };
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  await connectDevices(users, options);

  return users;
}

async function connectDevices(users: BenchUser[], options: PopulationOptions): Promise<void> {
  const sockets = users.flatMap((user) =>
    Array.from({ length: options.devicesPerUser }, (_, device) => ({ user, device })),
  );
  let next = 0;
  const worker = async () => {
    while (next < sockets.length) {
      const { user, device } = sockets[next++];
      const onFrame = options.onFrame;
      user.devices[device] = await LiveConnection.connect(options.gatewayUrl, user.client.accessToken!, {
        onFrame: onFrame ? (frame) => onFrame(user.index, device, frame) : undefined,
        timeoutMs: 60_000,
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

export async function closePopulation(users: BenchUser[]): Promise<void> {
  await Promise.all(users.flatMap((user) => user.devices.map((device) => device.close())));
}

/** The gateway's resident memory, from its Prometheus metrics. */
export async function gatewayResidentBytes(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => /^confer_process_resident_memory_bytes(\{[^}]*\})? /.test(l));
  if (!line) {
    throw new Error('the gateway does not report confer_process_resident_memory_bytes');
  }

  return Number(line.trim().split(/\s+/).at(-1));
}
