import { Module } from '@nestjs/common';

import { DirectoryAdminHttpController } from './directory-admin.http.controller';

/** `/admin/directory`: LDAP settings and directory sync runs for org_admin. */
@Module({ controllers: [DirectoryAdminHttpController] })
export class DirectoryAdminModule {}
