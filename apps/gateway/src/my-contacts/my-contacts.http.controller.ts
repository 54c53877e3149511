import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { nextCursorOf, PageQueryDto, pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import {
  AddPersonalContactDto,
  ListedPersonPageDto,
  PersonalContactDto,
  PersonalContactPageDto,
  UpdatePersonalContactDto,
} from './my-contacts.dto';
import { toListedPersonPageDto, toPersonalContactDto } from './my-contacts.mapper';

const PERSON_NOT_FOUND = { 404: ['person.not_found'] };
const CONTACT_NOT_FOUND = { 404: ['personal_contact.not_found'] };

/**
 * The caller's own lists: personal contacts, people followed, people blocked.
 * Nobody else can read or change them.
 */
@ApiTags('my contacts')
@Controller('me')
export class MyContactsHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Get('contacts')
  @ApiOkResponse({ type: PersonalContactPageDto })
  @ApiErrors(CURSOR_ERRORS)
  async listContacts(
    @CurrentCaller() caller: Caller,
    @Query() query: PageQueryDto,
  ): Promise<PersonalContactPageDto> {
    const page = await this.contacts.listPersonalContacts(caller, pageRequest(query));

    return {
      items: page.items.map(toPersonalContactDto),
      nextCursor: nextCursorOf(page.nextCursor),
    };
  }

  @Post('contacts')
  @ApiCreatedResponse({ type: PersonalContactDto })
  @ApiErrors({
    409: ['personal_contact.exists'],
    422: ['personal_contact.invalid'],
  })
  async addContact(
    @CurrentCaller() caller: Caller,
    @Body() body: AddPersonalContactDto,
  ): Promise<PersonalContactDto> {
    return toPersonalContactDto(
      await this.contacts.addPersonalContact(caller, {
        email: body.email,
        displayName: body.displayName ?? '',
        note: body.note ?? '',
      }),
    );
  }

  @Patch('contacts/:id')
  @ApiOkResponse({ type: PersonalContactDto })
  @ApiErrors({ ...CONTACT_NOT_FOUND, 422: ['personal_contact.invalid'] })
  async updateContact(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdatePersonalContactDto,
  ): Promise<PersonalContactDto> {
    return toPersonalContactDto(
      await this.contacts.updatePersonalContact(caller, {
        id,
        displayName: body.displayName,
        note: body.note,
      }),
    );
  }

  @Delete('contacts/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The entry was deleted.' })
  @ApiErrors(CONTACT_NOT_FOUND)
  async deleteContact(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<void> {
    await this.contacts.deletePersonalContact(caller, { id });
  }

  @Get('following')
  @ApiOkResponse({ type: ListedPersonPageDto })
  @ApiErrors(CURSOR_ERRORS)
  async following(
    @CurrentCaller() caller: Caller,
    @Query() query: PageQueryDto,
  ): Promise<ListedPersonPageDto> {
    return toListedPersonPageDto(await this.contacts.listFollowing(caller, pageRequest(query)));
  }

  @Put('following/:personId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The person is followed (again: no change).' })
  @ApiErrors({ ...PERSON_NOT_FOUND, 400: ['follow.self'] })
  async follow(
    @CurrentCaller() caller: Caller,
    @Param('personId', uuidParam('personId')) personId: string,
  ): Promise<void> {
    await this.contacts.follow(caller, { personId });
  }

  @Delete('following/:personId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The person is not followed (any more).' })
  @ApiErrors(PERSON_NOT_FOUND)
  async unfollow(
    @CurrentCaller() caller: Caller,
    @Param('personId', uuidParam('personId')) personId: string,
  ): Promise<void> {
    await this.contacts.unfollow(caller, { personId });
  }

  @Get('blocked')
  @ApiOkResponse({ type: ListedPersonPageDto })
  @ApiErrors(CURSOR_ERRORS)
  async blocked(
    @CurrentCaller() caller: Caller,
    @Query() query: PageQueryDto,
  ): Promise<ListedPersonPageDto> {
    return toListedPersonPageDto(await this.contacts.listBlocked(caller, pageRequest(query)));
  }

  @Put('blocked/:personId')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'The person is blocked: they can no longer send you private messages or open a new ' +
      'private chat with you, nor add you to groups. Messaging applies it within moments.',
  })
  @ApiErrors({ ...PERSON_NOT_FOUND, 400: ['block.self'] })
  async block(
    @CurrentCaller() caller: Caller,
    @Param('personId', uuidParam('personId')) personId: string,
  ): Promise<void> {
    await this.contacts.block(caller, { personId });
  }

  @Delete('blocked/:personId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The person is not blocked (any more).' })
  @ApiErrors(PERSON_NOT_FOUND)
  async unblock(
    @CurrentCaller() caller: Caller,
    @Param('personId', uuidParam('personId')) personId: string,
  ): Promise<void> {
    await this.contacts.unblock(caller, { personId });
  }
}
