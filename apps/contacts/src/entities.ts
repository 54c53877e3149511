import { Department } from './departments/department.entity';
import { UserDepartment } from './departments/user-department.entity';
import { DirectoryServer } from './directory-sync/directory-server.entity';
import { SyncRun } from './directory-sync/sync-run.entity';
import { Organisation } from './organisations/organisation.entity';
import { User } from './users/user.entity';

/** The TypeORM entities of this app's database (the outbox tables are reached by SQL). */
export const ENTITIES = [Organisation, User, Department, UserDepartment, SyncRun, DirectoryServer];
