import { closePopulation, createPopulation, gatewayResidentBytes } from './population';

export interface IdleOptions {
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
  sockets: number;
  devicesPerUser: number;
  settleSeconds: number;
  onProgress?: (line: string) => void;
}

export interface IdleReport {
  sockets: number;
  users: number;
  residentBefore: number;
  residentAfter: number;
  bytesPerSocket: number;
}

/**
 * Holds N authenticated, idle WebSockets open and reports how much the
 * gateway's resident memory grew per socket.
 */
export async function runIdle(options: IdleOptions): Promise<IdleReport> {
  const progress = options.onProgress ?? (() => undefined);
  const users = Math.ceil(options.sockets / options.devicesPerUser);
  const before = await settledResident(options.gatewayUrl, options.settleSeconds);
  progress(`gateway resident memory before: ${mib(before)} MiB; opening ${options.sockets} sockets for ${users} users`);
  const population = await createPopulation({
    gatewayUrl: options.gatewayUrl,
    adminEmail: options.adminEmail,
    adminPassword: options.adminPassword,
    users,
    devicesPerUser: options.devicesPerUser,
  });
  const open = population.reduce((n, user) => n + user.devices.filter((d) => d.isOpen).length, 0);
  const after = await settledResident(options.gatewayUrl, options.settleSeconds);
  progress(`gateway resident memory with ${open} sockets: ${mib(after)} MiB`);
  await closePopulation(population);

  return {
    sockets: open,
    users,
    residentBefore: before,
    residentAfter: after,
    bytesPerSocket: Math.round((after - before) / Math.max(open, 1)),
  };
}

async function settledResident(gatewayUrl: string, seconds: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  return gatewayResidentBytes(gatewayUrl);
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
