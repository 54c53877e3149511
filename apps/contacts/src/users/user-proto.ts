import { contacts } from '@confer/proto';

import { User } from './user.entity';

const STATUS: Record<User['status'], contacts.UserStatus> = {
  active: contacts.UserStatus.USER_STATUS_ACTIVE,
  disabled: contacts.UserStatus.USER_STATUS_DISABLED,
};

/** A user as the contract carries it; departments only where the caller asked for them. */
export function userToProto(
  user: User,
  departments: contacts.UserDepartment[] = [],
): contacts.User {
  return {
    id: user.id,
    orgId: user.orgId,
    email: user.email,
    displayName: user.displayName,
    status: STATUS[user.status],
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
    surname: user.surname ?? '',
    givenName: user.givenName ?? '',
    title: user.title ?? '',
    deskPhone: user.deskPhone ?? '',
    mobile: user.mobile ?? '',
    employeeNumber: user.employeeNumber ?? '',
    secondaryEmails: user.secondaryEmails ?? [],
    departments,
  };
}
