import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Caller } from '@confer/grpc';

import { CurrentCaller } from '../auth/current-caller.decorator';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ApiErrors, CURSOR_ERRORS } from '../http/api-errors';
import { nextCursorOf, PageQueryDto, pageRequest } from '../http/paging.dto';
import { uuidParam } from '../http/validation';
import {
  DEFAULT_SEARCH_LIMIT,
  DepartmentDetailDto,
  DepartmentListDto,
  PersonListDto,
  PersonPageDto,
  SearchPeopleQueryDto,
} from './directory.dto';
import { toDepartmentDto, toPersonDto } from './directory.mapper';

const NOT_VISIBLE = { 404: ['department.not_found'] };

/** The caller's organisation's directory: its department tree and people search. */
@ApiTags('directory')
@Controller('contacts')
export class DirectoryHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Get('departments')
  @ApiOkResponse({ type: DepartmentListDto, description: 'The roots of the tree, by name.' })
  @ApiErrors()
  async roots(@CurrentCaller() caller: Caller): Promise<DepartmentListDto> {
    const { items } = await this.contacts.listDepartments(caller, {
      orgId: caller.orgId,
      parentId: '',
    });

    return { items: items.map(toDepartmentDto) };
  }

  @Get('departments/:id')
  @ApiOkResponse({ type: DepartmentDetailDto })
  @ApiErrors(NOT_VISIBLE)
  async department(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<DepartmentDetailDto> {
    const detail = await this.contacts.getDepartment(caller, { id });
    if (!detail.department) {
      throw new Error('contacts answered a department without the department');
    }

    return {
      department: toDepartmentDto(detail.department),
      children: detail.children.map(toDepartmentDto),
      ancestors: detail.ancestors.map(toDepartmentDto),
    };
  }

  @Get('departments/:id/members')
  @ApiOkResponse({
    type: PersonPageDto,
    description: 'Active people directly in the department, by name.',
  })
  @ApiErrors({ ...CURSOR_ERRORS, ...NOT_VISIBLE })
  async members(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PersonPageDto> {
    const page = await this.contacts.listDepartmentMembers(caller, {
      departmentId: id,
      ...pageRequest(query),
    });

    return { items: page.items.map(toPersonDto), nextCursor: nextCursorOf(page.nextCursor) };
  }

  @Get('search')
  @ApiOkResponse({
    type: PersonListDto,
    description: 'Active people matching the query, best match first.',
  })
  @ApiErrors()
  async search(
    @CurrentCaller() caller: Caller,
    @Query() query: SearchPeopleQueryDto,
  ): Promise<PersonListDto> {
    const { items } = await this.contacts.searchPeople(caller, {
      orgId: caller.orgId,
      query: query.q,
      limit: query.limit ?? DEFAULT_SEARCH_LIMIT,
    });

    return { items: items.map(toPersonDto) };
  }
}
