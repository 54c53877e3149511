import { Discussion } from './discussions/discussion.entity';

/** The TypeORM entities of this app's database (the outbox tables are reached by SQL). */
export const ENTITIES = [Discussion];
