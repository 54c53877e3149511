import { Inject, Injectable } from '@nestjs/common';

import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { currentCorrelationId, normaliseCorrelationId } from '@confer/logging';

import { CONTACTS, ContactsClient } from '../directory/contacts-client';

/** The organisation's rule on the second factor, from contacts' organisation settings. */
@Injectable()
export class OrgPolicyService {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  /** True when the organisation requires every member to use a second factor. */
  async requiresSecondFactor(orgId: string): Promise<boolean> {
    const settings = await this.contacts.getOrgSettings(
      systemCaller(SYSTEM_USER_ID, normaliseCorrelationId(currentCorrelationId())),
      { orgId },
    );

    return settings.twoFactorRequired;
  }
}
