import { Client } from 'pg';

import { BenchPerson, Population } from './population';

const BATCH = 5_000;
const LOADED_TABLES = ['users', 'user_departments', 'user_search_keys', 'departments'];

/**
 * Writes the population into a migrated contacts database in bulk (unnest
 * batches in one transaction). The tables' secondary indexes are dropped for
 * the load and rebuilt after from their own definitions, as a restore would,
 * so the benchmark measures exactly the schema the migrations made.
 */
export async function loadPopulation(
  db: Client,
  orgId: string,
  population: Population,
  progress: (line: string) => void,
): Promise<void> {
  const indexes: { name: string; definition: string }[] = (
    await db.query(
      `SELECT i.indexname AS name, i.indexdef AS definition
         FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [LOADED_TABLES],
    )
  ).rows;
  await db.query('BEGIN');
  for (const index of indexes) {
    await db.query(`DROP INDEX "${index.name}"`);
  }
  await db.query(
    `INSERT INTO organisations (id, name, domain) VALUES ($1, '示例科技有限公司', 'example.cn')`,
    [orgId],
  );
  const departments = population.departments;
  await db.query(
    `INSERT INTO departments (id, org_id, parent_id, name, source_id, source_dn, path, depth)
     SELECT d.id, $1, d.parent_id, d.name, d.id::text, 'ou=' || d.name, d.path::uuid[], cardinality(d.path::uuid[]) - 1
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS d(id, parent_id, name, path)`,
    [
      orgId,
      departments.map((d) => d.id),
      departments.map((d) => d.parentId),
      departments.map((d) => d.name),
      departments.map((d) => `{${d.path.join(',')}}`),
    ],
  );
  const people = population.people;
  for (let from = 0; from < people.length; from += BATCH) {
    await insertBatch(db, orgId, people.slice(from, from + BATCH));
    if ((from / BATCH) % 20 === 19) {
      progress(`  ${from + BATCH} people written`);
    }
  }
  await db.query('COMMIT');
  progress(`rebuilding ${indexes.length} indexes`);
  await db.query("SET maintenance_work_mem = '1GB'");
  for (const index of indexes) {
    await db.query(index.definition);
  }
  progress('vacuum analyze');
  await db.query('VACUUM ANALYZE');
}

async function insertBatch(db: Client, orgId: string, people: BenchPerson[]): Promise<void> {
  await db.query(
    `INSERT INTO users (id, org_id, email, display_name, status, surname, given_name, title,
                        secondary_emails, source_id)
     SELECT u.id, $1, u.email, u.display_name, u.status, u.surname, u.given_name, u.title,
            u.secondary::text[], u.id::text
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[])
            AS u(id, email, display_name, status, surname, given_name, title, secondary)`,
    [
      orgId,
      people.map((p) => p.id),
      people.map((p) => p.email),
      people.map((p) => p.displayName),
      people.map((p) => p.status),
      people.map((p) => p.surname),
      people.map((p) => p.givenName),
      people.map((p) => p.title),
      people.map((p) => `{${p.secondaryEmails.map((e) => `"${e}"`).join(',')}}`),
    ],
  );
  const memberships = people.flatMap((p) => p.departmentIds.map((d) => [p.id, d, p.title]));
  await db.query(
    `INSERT INTO user_departments (user_id, department_id, title)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
    [memberships.map((m) => m[0]), memberships.map((m) => m[1]), memberships.map((m) => m[2])],
  );
  const keys = people.flatMap((p) => p.keys.map((k) => [p.id, k.kind, k.key]));
  await db.query(
    `INSERT INTO user_search_keys (org_id, user_id, kind, key)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[])`,
    [orgId, keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
  );
}
