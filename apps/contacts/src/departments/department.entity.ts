import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'departments' })
export class Department {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId!: string | null;

  @Column('text')
  name!: string;

  /** The directory entry's entryUUID: stable across renames and moves. */
  @Column('text', { name: 'source_id' })
  sourceId!: string;

  @Column('text', { name: 'source_dn' })
  sourceDn!: string;

  /** Ids from the root down to this department itself. */
  @Column('uuid', { array: true })
  path!: string[];

  /** 0 for a root. */
  @Column('integer')
  depth!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
