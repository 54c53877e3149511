import { ServiceClient } from '@confer/grpc';
import { messaging } from '@confer/proto';

/** Messaging, where every discussion's conversation and its membership live. */
export const MESSAGING = Symbol('MESSAGING');
export type MessagingClient = ServiceClient<messaging.MessagingServiceClient>;
