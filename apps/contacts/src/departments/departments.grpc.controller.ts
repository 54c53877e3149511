import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { userToProto } from '../users/user-proto';
import { DepartmentsService, DepartmentView } from './departments.service';

@Controller()
export class DepartmentsGrpcController implements Pick<
  contacts.ContactsServiceController,
  'listDepartments' | 'getDepartment' | 'listDepartmentMembers'
> {
  constructor(private readonly departments: DepartmentsService) {}

  @GrpcMethod('ContactsService', 'listDepartments')
  async listDepartments(
    request: contacts.ListDepartmentsRequest,
    metadata: Metadata,
  ): Promise<contacts.DepartmentList> {
    const caller = callerFromMetadata(metadata);
    const items = await this.departments.list(
      caller,
      request.orgId || caller.orgId,
      request.parentId || undefined,
    );

    return { items: items.map(departmentToProto) };
  }

  @GrpcMethod('ContactsService', 'getDepartment')
  async getDepartment(
    request: contacts.GetDepartmentRequest,
    metadata: Metadata,
  ): Promise<contacts.DepartmentDetail> {
    const detail = await this.departments.get(callerFromMetadata(metadata), request.id);

    return {
      department: departmentToProto(detail.department),
      children: detail.children.map(departmentToProto),
      ancestors: detail.ancestors.map(departmentToProto),
    };
  }

  @GrpcMethod('ContactsService', 'listDepartmentMembers')
  async listDepartmentMembers(
    request: contacts.ListDepartmentMembersRequest,
    metadata: Metadata,
  ): Promise<contacts.UserPage> {
    const page = await this.departments.members(
      callerFromMetadata(metadata),
      request.departmentId,
      request.limit,
      request.cursor || undefined,
    );

    return {
      items: page.items.map((hit) => userToProto(hit.user, hit.departments)),
      nextCursor: page.nextCursor ?? '',
    };
  }
}

function departmentToProto(department: DepartmentView): contacts.Department {
  return { ...department, parentId: department.parentId ?? '' };
}
