/** The TypeORM entities of this app's database (none yet beyond the shared outbox tables). */
export const ENTITIES: never[] = [];
