import { Module } from '@nestjs/common';

import { MyContactsHttpController } from './my-contacts.http.controller';

/** `/me/contacts`, `/me/following`, `/me/blocked`. */
@Module({ controllers: [MyContactsHttpController] })
export class MyContactsModule {}
