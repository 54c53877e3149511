import { LocalCredential } from './credentials/local-credential.entity';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Session } from './sessions/session.entity';
import { SigningKey } from './signing-keys/signing-key.entity';

/** The TypeORM entities of this app's database (the outbox tables are reached by SQL). */
export const ENTITIES = [SigningKey, LocalCredential, Session, RefreshToken];
