import { randomInt } from 'node:crypto';

import { stackPorts } from './app-environment';
import { portIsFree } from './wait-ready';

/**
 * Picks a port offset at which every port of a stack is free, so a test
 * stack can start beside a dev stack (offset 0) and other test runs. Offsets
 * are multiples of ten up to 15,000, which keeps every gRPC port below 65,536.
 */
export async function findFreePortOffset(attempts = 20): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const offset = randomInt(100, 1_500) * 10;
    const free = await Promise.all(stackPorts(offset).map(portIsFree));
    if (free.every(Boolean)) {
      return offset;
    }
  }
  throw new Error(`no free port offset found in ${attempts} attempts`);
}
