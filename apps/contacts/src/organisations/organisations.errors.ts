import { ConferError } from '@confer/errors';

export class OrganisationError extends ConferError {
  static notFound(orgId: string): OrganisationError {
    return new OrganisationError('not_found', 'organisation.not_found', 'No such organisation.', {
      orgId,
    });
  }

  static domainTaken(domain: string): OrganisationError {
    return new OrganisationError(
      'conflict',
      'organisation.domain_taken',
      'Another organisation already has this mail domain.',
      { domain },
    );
  }

  static idTaken(orgId: string): OrganisationError {
    return new OrganisationError(
      'conflict',
      'organisation.id_taken',
      'An organisation with this id already exists.',
      { orgId },
    );
  }

  static invalid(field: string, message: string): OrganisationError {
    return new OrganisationError('invalid', 'organisation.invalid', message, { field });
  }

  static systemOnly(): OrganisationError {
    return new OrganisationError(
      'forbidden',
      'organisation.forbidden',
      'Only the platform itself may create organisations.',
    );
  }
}
