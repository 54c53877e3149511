import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A user's local password, as an scrypt hash with its salt and parameters. */
@Entity({ name: 'local_credentials' })
export class LocalCredential {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  @Column('bytea', { name: 'password_hash' })
  passwordHash!: Buffer;

  @Column('bytea')
  salt!: Buffer;

  @Column('integer', { name: 'scrypt_cost' })
  scryptCost!: number;

  @Column('integer', { name: 'scrypt_block_size' })
  scryptBlockSize!: number;

  @Column('integer', { name: 'scrypt_parallelism' })
  scryptParallelism!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
