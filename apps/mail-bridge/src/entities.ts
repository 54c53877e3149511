import { MailDomain } from './mail-domains/mail-domain.entity';

/** The TypeORM entities of this app's database (the outbox tables are reached by SQL). */
export const ENTITIES = [MailDomain];
