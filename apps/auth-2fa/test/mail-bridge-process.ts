import { mailbridge } from '@confer/proto';

import { BuiltAppWithClient, startBuiltAppWithClient } from './built-app-process';

export type MailBridgeProcess = BuiltAppWithClient<mailbridge.MailBridgeServiceClient>;

/** The real mail-bridge app, run from its build as its own process, with a client of it. */
export function startMailBridgeProcess(env: Record<string, string>): Promise<MailBridgeProcess> {
  return startBuiltAppWithClient('mail-bridge', 'mailbridge', env);
}
