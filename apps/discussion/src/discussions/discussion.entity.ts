import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A discussion; its conversation in messaging has the same id. */
@Entity({ name: 'discussions' })
export class Discussion {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('text')
  topic!: string;

  @Column('uuid', { name: 'creator_id' })
  creatorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;
}
