import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How to reach the server: TLS from the first byte, upgraded with STARTTLS, or none at all. */
export type MailTlsMode = 'implicit' | 'starttls' | 'none';

export const MAIL_TLS_MODES: readonly MailTlsMode[] = ['implicit', 'starttls', 'none'];

/** The IMAP server that holds the mailboxes of one domain, set by its organisation's administrators. */
@Entity({ name: 'mail_domains' })
export class MailDomain {
  /** Lower case: the part after @ of the addresses it serves. */
  @PrimaryColumn('text')
  domain!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('text')
  host!: string;

  @Column('integer')
  port!: number;

  @Column('text')
  tls!: MailTlsMode;

  /** Off only for servers with self-signed certificates, which then are not verified. */
  @Column('boolean', { name: 'reject_unauthorized' })
  rejectUnauthorized!: boolean;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('uuid', { name: 'updated_by' })
  updatedBy!: string;
}
