import { randomUUID } from 'node:crypto';

import { ReadinessCheck } from '@confer/health';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { common } from '@confer/proto';

/** Anything with the Describe call every Confer service answers. */
interface Describable {
  describe(caller: Caller, request: common.Empty): Promise<common.ServiceDescription>;
}

/** Ready only when the service answers Describe: its process is up and its schema in place. */
export function describeReadinessCheck(name: string, client: Describable): ReadinessCheck {
  return {
    name,
    check: async () => {
      await client.describe(systemCaller(SYSTEM_USER_ID, randomUUID()), {});
    },
  };
}
