import { Module } from '@nestjs/common';

import { AdminSettingsHttpController } from './admin-settings.http.controller';

/** `/admin/settings`: organisation settings for org_admin. */
@Module({ controllers: [AdminSettingsHttpController] })
export class AdminSettingsModule {}
