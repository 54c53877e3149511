import { contacts } from '@confer/proto';

import { UserDto } from './users.dto';

export function toUserDto(user: contacts.User): UserDto {
  return {
    id: user.id,
    orgId: user.orgId,
    email: user.email,
    displayName: user.displayName,
    status: user.status === contacts.UserStatus.USER_STATUS_DISABLED ? 'disabled' : 'active',
    roles: user.roles,
    createdAt: user.createdAt,
  };
}
