/**
 * The TypeORM entities of this app's database: none. Every query is SQL
 * written for its index (see the migrations), because the hot paths are
 * multi-row statements over unnest() that an entity layer would not produce.
 */
export const ENTITIES: never[] = [];
