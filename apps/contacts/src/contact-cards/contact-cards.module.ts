import { Module } from '@nestjs/common';

import { BlocksModule } from '../blocks/blocks.module';
import { FollowsModule } from '../follows/follows.module';
import { PersonalContactsModule } from '../personal-contacts/personal-contacts.module';
import { ContactCardsGrpcController } from './contact-cards.grpc.controller';
import { ContactCardsService } from './contact-cards.service';

@Module({
  imports: [FollowsModule, BlocksModule, PersonalContactsModule],
  controllers: [ContactCardsGrpcController],
  providers: [ContactCardsService],
})
export class ContactCardsModule {}
