import { contacts } from '@confer/proto';

import { DepartmentDto, PersonDto } from './directory.dto';

export function toDepartmentDto(department: contacts.Department): DepartmentDto {
  return {
    id: department.id,
    orgId: department.orgId,
    parentId: department.parentId || null,
    name: department.name,
    depth: department.depth,
    memberCount: department.memberCount,
    totalMemberCount: department.totalMemberCount,
    hasChildren: department.hasChildren,
  };
}

export function toPersonDto(user: contacts.User): PersonDto {
  return {
    id: user.id,
    orgId: user.orgId,
    email: user.email,
    displayName: user.displayName,
    title: user.title,
    deskPhone: user.deskPhone,
    mobile: user.mobile,
    departments: user.departments.map((department) => ({
      departmentId: department.departmentId,
      name: department.name,
      title: department.title,
    })),
  };
}
