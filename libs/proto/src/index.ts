import { join } from 'node:path';

export * as common from './generated/confer/common/v1/common';
export * as messaging from './generated/confer/messaging/v1/messaging';
export * as discussion from './generated/confer/discussion/v1/discussion';
export * as contacts from './generated/confer/contacts/v1/contacts';
export * as contactLists from './generated/confer/contacts/v1/lists';
export * as auth from './generated/confer/auth/v1/auth';
export * as twoFactor from './generated/confer/auth/v1/two_factor';
export * as audit from './generated/confer/auth/v1/audit';
export * as mailbridge from './generated/confer/mailbridge/v1/mailbridge';
export * as drive from './generated/confer/drive/v1/drive';
export * as events from './generated/confer/events/v1/events';

/** Folder of the .proto sources, the include root for gRPC loaders (same from src/ and dist/). */
export const PROTO_ROOT = join(__dirname, '..', 'proto');

/** Each service's package name and .proto file, relative to PROTO_ROOT. */
export const GRPC_SERVICES = {
  messaging: { package: 'confer.messaging.v1', file: 'confer/messaging/v1/messaging.proto', service: 'MessagingService' },
  discussion: { package: 'confer.discussion.v1', file: 'confer/discussion/v1/discussion.proto', service: 'DiscussionService' },
  contacts: { package: 'confer.contacts.v1', file: 'confer/contacts/v1/contacts.proto', service: 'ContactsService' },
  auth: { package: 'confer.auth.v1', file: 'confer/auth/v1/auth.proto', service: 'AuthService' },
  twoFactor: { package: 'confer.auth.v1', file: 'confer/auth/v1/two_factor.proto', service: 'TwoFactorService' },
  audit: { package: 'confer.auth.v1', file: 'confer/auth/v1/audit.proto', service: 'AuditService' },
  mailbridge: { package: 'confer.mailbridge.v1', file: 'confer/mailbridge/v1/mailbridge.proto', service: 'MailBridgeService' },
  drive: { package: 'confer.drive.v1', file: 'confer/drive/v1/drive.proto', service: 'DriveService' },
} as const;

export type GrpcServiceKey = keyof typeof GRPC_SERVICES;
