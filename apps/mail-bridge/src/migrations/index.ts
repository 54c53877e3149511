import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { MailDomains1796410700000 } from './1796410700000-mail-domains';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [InitialSchema1764806400000, MailDomains1796410700000];
