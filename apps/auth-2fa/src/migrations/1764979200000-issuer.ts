import { MigrationInterface, QueryRunner } from 'typeorm';

/** The built-in issuer: its signing keys and local password credentials. */
export class Issuer1764979200000 implements MigrationInterface {
  name = 'Issuer1764979200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        algorithm text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_key_pem text NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        CONSTRAINT signing_keys_status_known CHECK (status IN ('active', 'retiring', 'retired'))
      )`);
    // At most one active key: replicas starting together race to insert the first one and
    // exactly one wins (the others insert nothing and read the winner's).
    await runner.query(
      `CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active'`,
    );
    await runner.query(`
      CREATE TABLE local_credentials (
        user_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        password_hash bytea NOT NULL,
        salt bytea NOT NULL,
        scrypt_cost integer NOT NULL,
        scrypt_block_size integer NOT NULL,
        scrypt_parallelism integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE local_credentials');
    await runner.query('DROP TABLE signing_keys');
  }
}
