import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'organisations' })
export class Organisation {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** IDNA A-labels, lower case: see foldDomain. */
  @Column('text')
  domain!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
