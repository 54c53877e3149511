import { ServiceClient } from '@confer/grpc';
import { mailbridge } from '@confer/proto';

/** mail-bridge, asked whether a password opens the address's mailbox (IMAP LOGIN). */
export const MAIL_BRIDGE = Symbol('MAIL_BRIDGE');
export type MailBridgeClient = ServiceClient<mailbridge.MailBridgeServiceClient>;
