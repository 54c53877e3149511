import { Module } from '@nestjs/common';

import { ContactCardsHttpController } from './contact-cards.http.controller';

/** `/contacts/people/{id}/card`. */
@Module({ controllers: [ContactCardsHttpController] })
export class ContactCardsModule {}
