import { ConferError } from '@confer/errors';

export class DepartmentError extends ConferError {
  static notFound(departmentId: string): DepartmentError {
    return new DepartmentError('not_found', 'department.not_found', 'No such department.', {
      departmentId,
    });
  }
}
