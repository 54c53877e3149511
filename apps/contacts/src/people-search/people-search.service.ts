import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';

import { pageLimit } from '@confer/database';
import { Caller, isSystemCaller } from '@confer/grpc';

import { OrganisationError } from '../organisations/organisations.errors';
import { isUuid } from '../persistence/postgres-errors';
import { User } from '../users/user.entity';
import { queryForms, soundForm } from './search-keys';
import { prefixUpperBound, typoVariants } from './typo-variants';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;
/** Longer queries name no one; cutting them keeps every range and variant list bounded. */
export const MAX_QUERY_LENGTH = 64;
/** Below this many letters a slip cannot be told from another name. */
const FUZZY_MIN_LENGTH = 3;
/**
 * Keys each branch reads at most, per requested result: enough for every tie of
 * a page to be weighed (a person matches by several keys: name, pinyin, addresses),
 * few enough that a one-letter query over a million people stays one short index walk.
 */
const CANDIDATES_PER_RESULT = 5;
const MIN_CANDIDATES = 100;
/** Keys read per typo variant: a variant names a few people, not a whole surname. */
const KEYS_PER_VARIANT = 5;
/** The viewer's colleagues weighed for "same department first", at most. */
export const MAX_COLLEAGUES = 500;

export interface PersonDepartment {
  departmentId: string;
  name: string;
  title: string;
}

export interface PersonHit {
  user: User;
  departments: PersonDepartment[];
}

/** Colleagues of the viewer ($1): members of any of their departments, themselves included. */
const COLLEAGUES = `colleagues AS MATERIALIZED (
         SELECT DISTINCT c.user_id
         FROM (SELECT theirs.user_id
               FROM user_departments mine
               JOIN user_departments theirs ON theirs.department_id = mine.department_id
               WHERE mine.user_id = $1::uuid
               LIMIT ${MAX_COLLEAGUES}) c
       )`;

/**
 * People search over the keys precomputed at sync time (see search-keys.ts).
 * Ranking: a whole name, pinyin or address matched exactly, then as a prefix,
 * then initials (exact before prefix), then the given name alone (its
 * characters, pinyin or initials, exact or prefix alike: 王小明 for xm, below
 * everyone whose name starts so), then fuzzy (one typing slip away, or the
 * same sound in other characters); on a tie, people sharing a department with
 * the viewer come first, then the closer match (trigram similarity), then the
 * name. Disabled people are never returned.
 *
 * Every branch is a bounded walk of user_search_keys_org_key_cover_idx (or, for
 * colleagues, of the primary key), so the cost
 * of a search does not grow with the directory: the exact keys, the first keys
 * of each prefix range in key order, the viewer's colleagues' keys, and, only
 * when those found fewer people than asked for, one short range per typo
 * variant. When a prefix matches more people than the branch reads, the ones
 * weighed are those whose matching key comes first in code-point order (a key
 * before its own completions), plus every matching colleague.
 */
/**
 * The ranked candidates (`ranked r` with the colleagues) cut to a page of active
 * people, each with its position: the ranking needs the users table for status
 * and name only, the page's full rows are read once the page is known.
 */
function page(order: string, limit: string): string {
  return `, page AS (
         SELECT r.user_id, row_number() OVER (ORDER BY ${order}) AS position
         FROM ranked r JOIN users u ON u.id = r.user_id
         LEFT JOIN colleagues c ON c.user_id = r.user_id
         WHERE u.status = 'active' AND u.org_id = $2
         ORDER BY position
         LIMIT ${limit}
       )`;
}

const DEPARTMENTS = 'departmentsOfPerson';

type PersonRow = Record<string, unknown> & { [DEPARTMENTS]: PersonDepartment[] };

function toHit(row: PersonRow): PersonHit {
  const { [DEPARTMENTS]: departments, ...columns } = row;

  return { user: Object.assign(new User(), columns), departments };
}

@Injectable()
export class PeopleSearchService {
  private userColumns?: string;

  constructor(private readonly dataSource: DataSource) {}

  async search(caller: Caller, orgId: string, query: string, limit?: number): Promise<PersonHit[]> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    const typed = query.slice(0, MAX_QUERY_LENGTH);
    const forms = queryForms(typed);
    if (forms.length === 0) {
      return [];
    }
    const size = pageLimit(limit, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
    const viewer = isUuid(caller.userId) ? caller.userId : null;
    const found = await this.matches(orgId, forms, viewer, size);
    if (found.length < size) {
      found.push(...(await this.nearMatches(orgId, typed, forms[0], viewer, size, found)));
    }

    return found;
  }

  /** Exact and prefix matches of the query's forms, ranked; at most `size` people. */
  private async matches(
    orgId: string,
    forms: string[],
    viewer: string | null,
    size: number,
  ): Promise<PersonHit[]> {
    // Prefix ranges rather than LIKE patterns: no wildcard in a query can widen them,
    // and the bounds are plain values whatever plan the statement gets.
    const uppers = forms.map((form) => prefixUpperBound(form) || null);
    const rows: PersonRow[] = await this.dataSource.query(
      `WITH ${COLLEAGUES},
       hits AS (
         (SELECT k.user_id, k.kind, k.key FROM user_search_keys k
          WHERE k.org_id = $2 AND k.key = ANY($3::text[])
          LIMIT $8)
         UNION ALL
         (SELECT k.user_id, k.kind, k.key FROM user_search_keys k
          WHERE k.org_id = $2 AND k.key > $4 AND k.key < $5
          ORDER BY k.key LIMIT $8)
         UNION ALL
         (SELECT k.user_id, k.kind, k.key FROM user_search_keys k
          WHERE $6::text IS NOT NULL AND k.org_id = $2 AND k.key > $6 AND k.key < $7
          ORDER BY k.key LIMIT $8)
         UNION ALL
         -- Every matching key of each colleague, by the primary key (user_id first); the
         -- LIMIT keeps this a loop over colleagues rather than a join over all matches.
         SELECT k.user_id, k.kind, k.key
         FROM colleagues c
         CROSS JOIN LATERAL (
           SELECT k.user_id, k.kind, k.key FROM user_search_keys k
           WHERE k.user_id = c.user_id
             AND ((k.key >= $4 AND k.key < $5) OR (k.key >= $6 AND k.key < $7))
           LIMIT 100) k
       ),
       ranked AS (
         SELECT h.user_id,
                min(CASE
                      WHEN h.kind IN ('given_name', 'given_pinyin', 'given_initials') THEN 4
                      WHEN h.kind <> 'initials' AND h.key = ANY($3::text[]) THEN 0
                      WHEN h.kind <> 'initials' THEN 1
                      WHEN h.key = ANY($3::text[]) THEN 2
                      ELSE 3
                    END) AS rank,
                max(similarity(h.key, ($3::text[])[1])) AS score
         FROM hits h
         GROUP BY h.user_id
       )
       ${page('r.rank, c.user_id IS NOT NULL DESC, r.score DESC, u.display_name, u.id', '$9')}
       ${this.personRows()}`,
      [
        viewer,
        orgId,
        forms,
        forms[0],
        uppers[0],
        forms[1] ?? null,
        uppers[1] ?? null,
        Math.max(MIN_CANDIDATES, size * CANDIDATES_PER_RESULT),
        size,
      ],
    );

    return rows.map(toHit);
  }

  /**
   * People one typing slip away (a whole key or a key prefix within one edit of
   * the query), or, for a query in Chinese characters, whose pinyin sounds the
   * same; those already found left out. Whole-key matches first.
   */
  private async nearMatches(
    orgId: string,
    typed: string,
    form: string,
    viewer: string | null,
    size: number,
    found: PersonHit[],
  ): Promise<PersonHit[]> {
    const sound = soundForm(typed);
    // Two Chinese characters are a whole given name; two letters are not yet a name.
    if ([...form].length < (sound ? 2 : FUZZY_MIN_LENGTH)) {
      return [];
    }
    const variants = (sound ? [sound] : typoVariants(form))
      .map((variant) => ({ low: variant, high: prefixUpperBound(variant) }))
      .filter((range) => range.high !== '');
    if (variants.length === 0) {
      return [];
    }
    const rows: PersonRow[] = await this.dataSource.query(
      `WITH ${COLLEAGUES},
       hits AS (
         SELECT k.user_id, k.key, k.key = v.low AS whole
         FROM unnest($3::text[], $4::text[]) AS v(low, high)
         CROSS JOIN LATERAL (
           SELECT k.user_id, k.key FROM user_search_keys k
           WHERE k.org_id = $2 AND k.key >= v.low AND k.key < v.high
           ORDER BY k.key LIMIT ${KEYS_PER_VARIANT}) k
       ),
       ranked AS (
         SELECT h.user_id, bool_or(h.whole) AS whole, max(similarity(h.key, $5)) AS score
         FROM hits h
         WHERE h.user_id <> ALL($6::uuid[])
         GROUP BY h.user_id
       )
       ${page('r.whole DESC, c.user_id IS NOT NULL DESC, r.score DESC, u.display_name, u.id', '$7')}
       ${this.personRows()}`,
      [
        viewer,
        orgId,
        variants.map((range) => range.low),
        variants.map((range) => range.high),
        sound ?? form,
        found.map((hit) => hit.user.id),
        size - found.length,
      ],
    );

    return rows.map(toHit);
  }

  /**
   * The final SELECT of a search: each person of the page with every column of
   * User (named as its properties) and their departments, in page order. One
   * statement for the whole answer: on a busy machine every extra round trip
   * is another wait for a core.
   */
  private personRows(): string {
    this.userColumns ??= this.dataSource
      .getMetadata(User)
      .columns.map((column) => `u."${column.databaseName}" AS "${column.propertyName}"`)
      .join(', ');

    return `SELECT ${this.userColumns}, d.departments AS "${DEPARTMENTS}"
       FROM page p JOIN users u ON u.id = p.user_id
       CROSS JOIN LATERAL (
         SELECT coalesce(json_agg(json_build_object(
                  'departmentId', dep.id, 'name', dep.name, 'title', coalesce(ud.title, ''))
                  ORDER BY dep.depth, dep.name), '[]') AS departments
         FROM user_departments ud JOIN departments dep ON dep.id = ud.department_id
         WHERE ud.user_id = p.user_id) d
       ORDER BY p.position`;
  }

  /** The users with these ids, in this order, each with their departments. */
  async withDepartments(ids: string[]): Promise<PersonHit[]> {
    if (ids.length === 0) {
      return [];
    }
    // Two statements on two pooled connections at once: a search waits for the slower only.
    const [found, memberships] = await Promise.all([
      this.dataSource.getRepository(User).findBy({ id: In(ids) }),
      // Served by the user_departments primary key (user_id first).
      this.dataSource.query(
        `SELECT ud.user_id, d.id AS department_id, d.name, ud.title
           FROM user_departments ud JOIN departments d ON d.id = ud.department_id
           WHERE ud.user_id = ANY($1::uuid[]) ORDER BY d.depth, d.name`,
        [ids],
      ) as Promise<
        { user_id: string; department_id: string; name: string; title: string | null }[]
      >,
    ]);
    const users = new Map(found.map((user) => [user.id, user]));

    return ids.flatMap((id) => {
      const user = users.get(id);

      return user
        ? [
            {
              user,
              departments: memberships
                .filter((row) => row.user_id === id)
                .map((row) => ({
                  departmentId: row.department_id,
                  name: row.name,
                  title: row.title ?? '',
                })),
            },
          ]
        : [];
    });
  }
}
