import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One organisation's directory server as its administrators configured it.
 * The bind password is stored as given (see the README's Limitations) and
 * never leaves the service: views and logs carry only whether one is set.
 */
@Entity({ name: 'directory_servers' })
export class DirectoryServer {
  @PrimaryColumn('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('text')
  url!: string;

  @Column('text', { name: 'bind_dn' })
  bindDn!: string;

  @Column('text', { name: 'bind_password' })
  bindPassword!: string;

  @Column('text', { name: 'people_base_dn' })
  peopleBaseDn!: string;

  @Column('text', { name: 'people_filter' })
  peopleFilter!: string;

  @Column('text', { name: 'departments_base_dn' })
  departmentsBaseDn!: string;

  @Column('text', { name: 'departments_filter' })
  departmentsFilter!: string;

  /** Empty: no department groups. */
  @Column('text', { name: 'groups_base_dn' })
  groupsBaseDn!: string;

  @Column('text', { name: 'groups_filter' })
  groupsFilter!: string;

  /** Overrides of the default attribute map only (field → attribute). */
  @Column('jsonb', { name: 'attribute_map' })
  attributeMap!: Record<string, string>;

  @Column('text', { name: 'disabled_values', array: true })
  disabledValues!: string[];

  @Column('text', { name: 'admin_group_dn' })
  adminGroupDn!: string;

  @Column('integer', { name: 'sync_interval_seconds' })
  syncIntervalSeconds!: number;

  @Column('boolean', { name: 'start_tls' })
  startTls!: boolean;

  @Column('text', { name: 'tls_ca_certificate' })
  tlsCaCertificate!: string;

  @Column('boolean', { name: 'tls_skip_verify' })
  tlsSkipVerify!: boolean;

  @Column('integer', { name: 'page_size' })
  pageSize!: number;

  @Column('integer', { name: 'timeout_seconds' })
  timeoutSeconds!: number;

  @Column('uuid', { name: 'updated_by', nullable: true })
  updatedBy!: string | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
