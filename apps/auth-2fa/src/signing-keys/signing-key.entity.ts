import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** active: signs new tokens; retiring: still verifies tokens it signed; retired: gone from the JWKS. */
export type SigningKeyStatus = 'active' | 'retiring' | 'retired';

@Entity({ name: 'signing_keys' })
export class SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn('text')
  kid!: string;

  @Column('text')
  algorithm!: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk!: Record<string, unknown>;

  /** PKCS#8 PEM, stored in clear for now: see the README's Limitations. */
  @Column('text', { name: 'private_key_pem' })
  privateKeyPem!: string;

  @Column('text')
  status!: SigningKeyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
