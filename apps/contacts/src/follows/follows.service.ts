import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Caller } from '@confer/grpc';
import { contactLists } from '@confer/proto';

import { FollowError } from './follows.errors';
import {
  displayedSince,
  listPeople,
  PersonListTable,
  requirePerson,
  toSummary,
} from './person-list';

const FOLLOWS: PersonListTable = {
  table: 'follows',
  owner: 'follower_id',
  other: 'followee_id',
};

/** The people a person follows: a private list, seen and changed only by its owner. */
@Injectable()
export class FollowsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Following again is a no-op that answers the original time. */
  async follow(caller: Caller, personId: string): Promise<contactLists.ListedPerson> {
    const person = await requirePerson(this.dataSource.manager, caller, personId);
    if (person.id === caller.userId) {
      throw FollowError.self();
    }
    await this.dataSource.query(
      `INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)
       ON CONFLICT (follower_id, followee_id) DO NOTHING`,
      [caller.userId, person.id],
    );
    const [row] = (await this.dataSource.query(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS since
       FROM follows WHERE follower_id = $1 AND followee_id = $2`,
      [caller.userId, person.id],
    )) as { since: string }[];

    return { person: toSummary(person), since: displayedSince(row.since) };
  }

  /** Unfollowing someone not followed is a no-op; an unknown person is not found. */
  async unfollow(caller: Caller, personId: string): Promise<void> {
    const person = await requirePerson(this.dataSource.manager, caller, personId);
    await this.dataSource.query('DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2', [
      caller.userId,
      person.id,
    ]);
  }

  list(caller: Caller, limit?: number, cursor?: string): Promise<contactLists.ListedPersonPage> {
    return listPeople(this.dataSource.manager, FOLLOWS, caller.userId, limit, cursor);
  }

  async isFollowing(followerId: string, personId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [followerId, personId],
    )) as unknown[];

    return rows.length > 0;
  }
}
