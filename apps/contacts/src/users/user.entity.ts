import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type UserStatus = 'active' | 'disabled';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  /** Case-folded: see foldEmail. */
  @Column('text')
  email!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('text')
  status!: UserStatus;

  @Column('text', { array: true })
  roles!: string[];

  @Column('text', { nullable: true })
  surname!: string | null;

  @Column('text', { name: 'given_name', nullable: true })
  givenName!: string | null;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('text', { name: 'desk_phone', nullable: true })
  deskPhone!: string | null;

  @Column('text', { nullable: true })
  mobile!: string | null;

  @Column('text', { name: 'employee_number', nullable: true })
  employeeNumber!: string | null;

  /** Further case-folded addresses (aliases) from the directory. */
  @Column('text', { name: 'secondary_emails', array: true })
  secondaryEmails!: string[];

  /** The directory entry's entryUUID; null for people added by hand. */
  @Column('text', { name: 'source_id', nullable: true })
  sourceId!: string | null;

  /** The entry's DN when last synced, to resolve group members. */
  @Column('text', { name: 'source_dn', nullable: true })
  sourceDn!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
