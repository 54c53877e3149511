import { Organisation } from './organisations/organisation.entity';
import { User } from './users/user.entity';

/** The TypeORM entities of this app's database (the outbox tables are reached by SQL). */
export const ENTITIES = [Organisation, User];
