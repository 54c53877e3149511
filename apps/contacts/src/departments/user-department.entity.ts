import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's place in a department, with the title held there. */
@Entity({ name: 'user_departments' })
export class UserDepartment {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;

  @PrimaryColumn('uuid', { name: 'department_id' })
  departmentId!: string;

  @Column('text', { nullable: true })
  title!: string | null;
}
