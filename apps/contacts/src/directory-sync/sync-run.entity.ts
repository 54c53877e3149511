import { Column, Entity, PrimaryColumn } from 'typeorm';

import { SyncReport } from './sync-report';

export type SyncRunStatus = 'running' | 'succeeded' | 'failed';

@Entity({ name: 'sync_runs' })
export class SyncRun {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('boolean', { name: 'full_run' })
  fullRun!: boolean;

  @Column('text')
  status!: SyncRunStatus;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  /** Moved forward while the run works; a running run whose heartbeat stopped is dead. */
  @Column('timestamptz', { name: 'heartbeat_at' })
  heartbeatAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('integer')
  processed!: number;

  @Column('integer')
  total!: number;

  @Column('jsonb')
  report!: SyncReport;

  /** The highest modifyTimestamp applied (LDAP generalized time); the next incremental run's start. */
  @Column('text', { name: 'high_water_mark', nullable: true })
  highWaterMark!: string | null;

  /** The administrator who asked for the run; null for the platform and schedules. */
  @Column('uuid', { name: 'requested_by', nullable: true })
  requestedBy!: string | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode!: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage!: string | null;
}
