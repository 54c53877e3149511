import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';

import { pageLimit } from '@confer/database';
import { Caller, isSystemCaller } from '@confer/grpc';

import { OrganisationError } from '../organisations/organisations.errors';
import { isUuid } from '../persistence/postgres-errors';
import { User } from '../users/user.entity';
import { queryForms } from './search-keys';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;
/** Longer queries name no one; cutting them keeps the LIKE patterns and trigram work bounded. */
export const MAX_QUERY_LENGTH = 64;
/** Below this many characters a trigram similarity says nothing useful. */
const FUZZY_MIN_LENGTH = 3;

export interface PersonDepartment {
  departmentId: string;
  name: string;
  title: string;
}

export interface PersonHit {
  user: User;
  departments: PersonDepartment[];
}

/**
 * People search over the keys precomputed at sync time (see search-keys.ts).
 * Ranking: a whole name, pinyin or address matched exactly, then as a prefix,
 * then initials (exact before prefix), then fuzzy (trigram similarity); on a
 * tie, people sharing a department with the viewer come first, then the
 * closer match, then the name. Disabled people are never returned.
 */
@Injectable()
export class PeopleSearchService {
  constructor(private readonly dataSource: DataSource) {}

  async search(caller: Caller, orgId: string, query: string, limit?: number): Promise<PersonHit[]> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    const forms = queryForms(query.slice(0, MAX_QUERY_LENGTH));
    if (forms.length === 0) {
      return [];
    }
    const size = pageLimit(limit, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
    const prefixes = [forms[0], forms[1] ?? forms[0]].map((form) => `${escapeLike(form)}%`);
    const fuzzy = forms[0].length >= FUZZY_MIN_LENGTH ? forms[0] : null;

    // Candidates come from user_search_keys_org_key_idx (the LIKE prefixes, as range scans
    // under the "C" collation) and user_search_keys_key_trgm_idx (key % query).
    const rows: { user_id: string }[] = await this.dataSource.query(
      `WITH matches AS (
         SELECT k.user_id,
                min(CASE
                      WHEN k.kind <> 'initials' AND k.key = ANY($2::text[]) THEN 0
                      WHEN k.kind <> 'initials' AND (k.key LIKE $3 OR k.key LIKE $4) THEN 1
                      WHEN k.kind = 'initials' AND k.key = ANY($2::text[]) THEN 2
                      WHEN k.kind = 'initials' AND (k.key LIKE $3 OR k.key LIKE $4) THEN 3
                      ELSE 4
                    END) AS rank,
                max(CASE WHEN $5::text IS NULL THEN 0 ELSE similarity(k.key, $5::text) END) AS score
         FROM user_search_keys k
         WHERE k.org_id = $1
           AND (k.key LIKE $3 OR k.key LIKE $4 OR ($5::text IS NOT NULL AND k.key % $5::text))
         GROUP BY k.user_id
       )
       SELECT m.user_id
       FROM matches m JOIN users u ON u.id = m.user_id
       WHERE u.status = 'active'
       ORDER BY m.rank,
                EXISTS (SELECT 1 FROM user_departments mine
                        JOIN user_departments theirs ON theirs.department_id = mine.department_id
                        WHERE mine.user_id = $6::uuid AND theirs.user_id = u.id) DESC,
                m.score DESC, u.display_name, u.id
       LIMIT $7`,
      [
        orgId,
        forms,
        prefixes[0],
        prefixes[1],
        fuzzy,
        isUuid(caller.userId) ? caller.userId : null,
        size,
      ],
    );

    return this.withDepartments(rows.map((row) => row.user_id));
  }

  /** The users with these ids, in this order, each with their departments. */
  async withDepartments(ids: string[]): Promise<PersonHit[]> {
    if (ids.length === 0) {
      return [];
    }
    const users = new Map(
      (await this.dataSource.getRepository(User).findBy({ id: In(ids) })).map((user) => [
        user.id,
        user,
      ]),
    );
    // Served by the user_departments primary key (user_id first).
    const memberships: {
      user_id: string;
      department_id: string;
      name: string;
      title: string | null;
    }[] = await this.dataSource.query(
      `SELECT ud.user_id, d.id AS department_id, d.name, ud.title
         FROM user_departments ud JOIN departments d ON d.id = ud.department_id
         WHERE ud.user_id = ANY($1::uuid[]) ORDER BY d.depth, d.name`,
      [ids],
    );

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

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
