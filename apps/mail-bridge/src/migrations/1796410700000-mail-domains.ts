import { MigrationInterface, QueryRunner } from 'typeorm';

/** Which mail server serves each domain: what a mail-account login is checked against. */
export class MailDomains1796410700000 implements MigrationInterface {
  name = 'MailDomains1796410700000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE mail_domains (
        domain text PRIMARY KEY,
        org_id uuid NOT NULL,
        host text NOT NULL,
        port integer NOT NULL,
        tls text NOT NULL,
        reject_unauthorized boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        CONSTRAINT mail_domains_domain_lower CHECK (domain = lower(domain)),
        CONSTRAINT mail_domains_port_range CHECK (port BETWEEN 1 AND 65535),
        CONSTRAINT mail_domains_tls_known CHECK (tls IN ('implicit', 'starttls', 'none'))
      )`);
    // An organisation's domains, for its administrators' list.
    await runner.query(`CREATE INDEX mail_domains_org ON mail_domains (org_id, domain)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE mail_domains');
  }
}
