import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { ApiErrors } from '../http/api-errors';
import { DEFAULT_PAGE_LIMIT } from '../http/paging.dto';
import { toSyncPageDto } from './change.mapper';
import { SyncPageDto, SyncQueryDto } from './sync.dto';

@ApiTags('sync')
@Controller('sync')
export class SyncHttpController {
  constructor(@Inject(MESSAGING) private readonly messaging: MessagingClient) {}

  /** Everything that changed for the caller since a position, exactly once, in order. */
  @Get()
  @ApiOkResponse({ type: SyncPageDto })
  @ApiErrors()
  async sync(@CurrentCaller() caller: Caller, @Query() query: SyncQueryDto): Promise<SyncPageDto> {
    const page = await this.messaging.sync(caller, {
      since: query.since ?? 0,
      limit: query.limit ?? DEFAULT_PAGE_LIMIT,
    });

    return toSyncPageDto(page);
  }
}
