import { auth, contacts, discussion, mailbridge, messaging } from '@confer/proto';
import { ServiceClient } from '@confer/grpc';

/** Injection tokens of the promise-style gRPC clients the controllers use. */
export const MESSAGING = Symbol('MESSAGING');
export const DISCUSSION = Symbol('DISCUSSION');
export const CONTACTS = Symbol('CONTACTS');
export const AUTH = Symbol('AUTH');
export const MAIL_BRIDGE = Symbol('MAIL_BRIDGE');

export type MessagingClient = ServiceClient<messaging.MessagingServiceClient>;
export type DiscussionClient = ServiceClient<discussion.DiscussionServiceClient>;
export type ContactsClient = ServiceClient<contacts.ContactsServiceClient>;
export type AuthClient = ServiceClient<auth.AuthServiceClient>;
export type MailBridgeClient = ServiceClient<mailbridge.MailBridgeServiceClient>;
