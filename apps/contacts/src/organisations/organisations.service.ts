import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';

import { Caller, isSystemCaller } from '@confer/grpc';

import { foldDomain } from '../addresses/addresses';
import { isUuid, violatedUniqueConstraint } from '../persistence/postgres-errors';
import { Organisation } from './organisation.entity';
import { OrganisationError } from './organisations.errors';

export const MAX_ORGANISATION_NAME_LENGTH = 200;

export interface CreateOrganisationInput {
  name: string;
  domain: string;
  /** A fixed id for seeding; generated when empty. */
  id?: string;
}

@Injectable()
export class OrganisationsService {
  private readonly logger = new Logger(OrganisationsService.name);
  private readonly organisations: Repository<Organisation>;

  constructor(dataSource: DataSource) {
    this.organisations = dataSource.getRepository(Organisation);
  }

  /**
   * Creates an organisation (platform only). Creating again with the same
   * fixed id and domain returns the existing one, so seeding can be rerun.
   */
  async create(caller: Caller, input: CreateOrganisationInput): Promise<Organisation> {
    if (!isSystemCaller(caller)) {
      throw OrganisationError.systemOnly();
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_ORGANISATION_NAME_LENGTH) {
      throw OrganisationError.invalid(
        'name',
        `The name must be 1 to ${MAX_ORGANISATION_NAME_LENGTH} characters.`,
      );
    }
    const domain = foldDomain(input.domain);
    if (!domain) {
      throw OrganisationError.invalid('domain', 'The domain is not a valid mail domain.');
    }
    if (input.id && !isUuid(input.id)) {
      throw OrganisationError.invalid('id', 'The id must be a UUID.');
    }
    const id = input.id ? input.id.toLowerCase() : randomUUID();

    try {
      await this.organisations.insert({ id, name, domain });
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint !== 'organisations_pkey' && constraint !== 'organisations_domain_key') {
        throw error;
      }
      const existing = await this.organisations.findOneBy({ id });
      if (existing && existing.domain === domain) {
        return existing;
      }
      throw constraint === 'organisations_pkey'
        ? OrganisationError.idTaken(id)
        : OrganisationError.domainTaken(domain);
    }
    this.logger.log({ orgId: id }, 'organisation created');

    return this.organisations.findOneByOrFail({ id });
  }

  /** An organisation, to its own members and the platform; to anyone else it does not exist. */
  async get(caller: Caller, orgId: string): Promise<Organisation> {
    if (!isUuid(orgId) || (caller.orgId !== orgId && !isSystemCaller(caller))) {
      throw OrganisationError.notFound(orgId);
    }
    const organisation = await this.organisations.findOneBy({ id: orgId });
    if (!organisation) {
      throw OrganisationError.notFound(orgId);
    }

    return organisation;
  }
}
