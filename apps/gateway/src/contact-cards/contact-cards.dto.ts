import { ApiProperty } from '@nestjs/swagger';

import { ConversationDto } from '../conversations/conversations.dto';
import { PersonDepartmentDto } from '../directory/directory.dto';

export class CardEmailDto {
  @ApiProperty({ example: 'zhang.wei@example.cn' })
  address!: string;

  @ApiProperty()
  primary!: boolean;
}

export class ContactCardDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ description: 'May be empty.' })
  surname!: string;

  @ApiProperty({ description: 'May be empty.' })
  givenName!: string;

  @ApiProperty({ type: [CardEmailDto], description: 'The primary address first.' })
  emails!: CardEmailDto[];

  @ApiProperty()
  deskPhone!: string;

  @ApiProperty()
  mobile!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  employeeNumber!: string;

  @ApiProperty({
    enum: ['active', 'disabled'],
    description: 'A disabled person still has a card, so old messages can show their name.',
  })
  status!: string;

  @ApiProperty({ type: [PersonDepartmentDto] })
  departments!: PersonDepartmentDto[];

  @ApiProperty({ description: 'The viewer follows this person.' })
  followed!: boolean;

  @ApiProperty({ description: 'The viewer has blocked this person.' })
  blocked!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: "The viewer's personal contact entry for one of this person's addresses.",
  })
  personalContactId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: "That entry's note." })
  personalNote!: string | null;

  @ApiProperty({
    type: [ConversationDto],
    description:
      'Group chats and discussions the viewer and this person are both in, most recently ' +
      'active first (at most 20).',
  })
  sharedConversations!: ConversationDto[];
}
