import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata } from '@confer/grpc';
import { common, mailbridge } from '@confer/proto';

import { MailDomain } from './mail-domain.entity';
import { MailDomainsService } from './mail-domains.service';

type DomainCalls = 'listMailDomains' | 'getMailDomain' | 'putMailDomain' | 'deleteMailDomain';

@Controller()
export class MailDomainsGrpcController implements Pick<
  mailbridge.MailBridgeServiceController,
  DomainCalls
> {
  constructor(private readonly domains: MailDomainsService) {}

  @GrpcMethod('MailBridgeService', 'listMailDomains')
  async listMailDomains(
    _request: common.Empty,
    metadata: Metadata,
  ): Promise<mailbridge.MailDomainList> {
    const domains = await this.domains.list(callerFromMetadata(metadata));

    return { items: domains.map(toProto) };
  }

  @GrpcMethod('MailBridgeService', 'getMailDomain')
  async getMailDomain(
    request: mailbridge.GetMailDomainRequest,
    metadata: Metadata,
  ): Promise<mailbridge.MailDomain> {
    return toProto(await this.domains.get(callerFromMetadata(metadata), request.domain));
  }

  @GrpcMethod('MailBridgeService', 'putMailDomain')
  async putMailDomain(
    request: mailbridge.MailDomain,
    metadata: Metadata,
  ): Promise<mailbridge.MailDomain> {
    const saved = await this.domains.put(callerFromMetadata(metadata), {
      domain: request.domain,
      host: request.host,
      port: request.port,
      tls: request.tls,
      rejectUnauthorized: request.rejectUnauthorized,
    });

    return toProto(saved);
  }

  @GrpcMethod('MailBridgeService', 'deleteMailDomain')
  async deleteMailDomain(
    request: mailbridge.GetMailDomainRequest,
    metadata: Metadata,
  ): Promise<common.Empty> {
    await this.domains.delete(callerFromMetadata(metadata), request.domain);

    return {};
  }
}

function toProto(domain: MailDomain): mailbridge.MailDomain {
  return {
    domain: domain.domain,
    host: domain.host,
    port: domain.port,
    tls: domain.tls,
    rejectUnauthorized: domain.rejectUnauthorized,
    updatedAt: domain.updatedAt.toISOString(),
    updatedBy: domain.updatedBy,
  };
}
