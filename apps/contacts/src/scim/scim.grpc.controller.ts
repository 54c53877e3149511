import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';

import { callerFromMetadata } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { discover } from './discovery/scim-discovery';
import { normaliseAttribute } from './filter/scim-filter';
import { ScimGroupsService } from './groups/scim-groups.service';
import { ScimContext, ScimResult } from './scim-context';
import { SCHEMA, ScimResource } from './scim-json';
import { listQuery, listResponse, project } from './scim-list';
import { ScimError } from './scim.errors';
import { ScimTokensService, ScimTokenView } from './tokens/scim-tokens.service';
import { ScimUsersService } from './users/scim-users.service';

// The SCIM messages live in scim.proto, which @confer/proto does not export by name.
type Api = contacts.ContactsServiceController;
type Answer<M extends keyof Api> = Exclude<Awaited<ReturnType<Api[M]>>, Observable<unknown>>;
type ScimRequest = Parameters<Api['scimGet']>[0];
type ScimResponse = Answer<'scimGet'>;
type ScimDiscoveryRequest = Parameters<Api['scimDiscover']>[0];
type ScimTokenMessage = Answer<'revokeScimToken'>;

type ScimMethods = Pick<
  Api,
  | 'scimCreate'
  | 'scimGet'
  | 'scimList'
  | 'scimReplace'
  | 'scimPatch'
  | 'scimDelete'
  | 'scimDiscover'
  | 'createScimToken'
  | 'listScimTokens'
  | 'revokeScimToken'
>;

/**
 * SCIM over gRPC. The resource calls ignore the call's caller: the bearer
 * secret in the request names the organisation they act for.
 */
@Controller()
export class ScimGrpcController implements ScimMethods {
  constructor(
    private readonly tokens: ScimTokensService,
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
  ) {}

  @GrpcMethod('ContactsService', 'scimCreate')
  async scimCreate(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    const body = bodyOf(request);
    const result = isUser(request)
      ? await this.users.create(context, body)
      : await this.groups.create(context, body);

    return answer(result, request);
  }

  @GrpcMethod('ContactsService', 'scimGet')
  async scimGet(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    const result = isUser(request)
      ? await this.users.get(context, request.id)
      : await this.groups.get(context, request.id);

    return answer(result, request);
  }

  @GrpcMethod('ContactsService', 'scimList')
  async scimList(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    const query = listQuery({
      filter: request.filter,
      startIndex: request.startIndex,
      count: request.count,
      countGiven: request.countGiven,
    });
    // Members are the heavy part of a Group list; a client that excludes them saves the query.
    // Names are compared as the projection reads them: any case, with or without the core URN.
    const names = (list: string[]) => list.map((name) => normaliseAttribute(name.trim()));
    const withMembers =
      !names(request.excludedAttributes).includes('members') &&
      (request.attributes.length === 0 ||
        names(request.attributes).some(
          (name) => name === 'members' || name.startsWith('members.'),
        ));
    const page = isUser(request)
      ? await this.users.list(context, query)
      : await this.groups.list(context, query, withMembers);
    const resources = page.resources.map((resource) => shape(resource, request));

    return {
      bodyJson: JSON.stringify(listResponse({ ...page, resources }, query)),
      etag: '',
      location: '',
    };
  }

  @GrpcMethod('ContactsService', 'scimReplace')
  async scimReplace(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    const body = bodyOf(request);
    const result = isUser(request)
      ? await this.users.replace(context, request.id, body, request.ifMatch)
      : await this.groups.replace(context, request.id, body, request.ifMatch);

    return answer(result, request);
  }

  @GrpcMethod('ContactsService', 'scimPatch')
  async scimPatch(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    const body = bodyOf(request);
    const result = isUser(request)
      ? await this.users.patch(context, request.id, body, request.ifMatch)
      : await this.groups.patch(context, request.id, body, request.ifMatch);

    return answer(result, request);
  }

  @GrpcMethod('ContactsService', 'scimDelete')
  async scimDelete(request: ScimRequest): Promise<ScimResponse> {
    const context = await this.authenticate(request);
    if (isUser(request)) {
      await this.users.remove(context, request.id, request.ifMatch);
    } else {
      await this.groups.remove(context, request.id, request.ifMatch);
    }

    return { bodyJson: '', etag: '', location: '' };
  }

  @GrpcMethod('ContactsService', 'scimDiscover')
  async scimDiscover(request: ScimDiscoveryRequest): Promise<ScimResponse> {
    await this.tokens.authenticate(request.token, request.baseUrl);

    return {
      bodyJson: JSON.stringify(discover(request.endpoint, request.id, request.baseUrl)),
      etag: '',
      location: '',
    };
  }

  @GrpcMethod('ContactsService', 'createScimToken')
  async createScimToken(
    request: Parameters<Api['createScimToken']>[0],
    metadata: Metadata,
  ): Promise<Answer<'createScimToken'>> {
    const created = await this.tokens.create(
      callerFromMetadata(metadata),
      request.name,
      request.clientIp,
    );

    return { token: tokenToProto(created.token), secret: created.secret };
  }

  @GrpcMethod('ContactsService', 'listScimTokens')
  async listScimTokens(
    _request: Parameters<Api['listScimTokens']>[0],
    metadata: Metadata,
  ): Promise<Answer<'listScimTokens'>> {
    const items = await this.tokens.list(callerFromMetadata(metadata));

    return { items: items.map(tokenToProto) };
  }

  @GrpcMethod('ContactsService', 'revokeScimToken')
  async revokeScimToken(
    request: Parameters<Api['revokeScimToken']>[0],
    metadata: Metadata,
  ): Promise<ScimTokenMessage> {
    return tokenToProto(
      await this.tokens.revoke(callerFromMetadata(metadata), request.id, request.clientIp),
    );
  }

  private authenticate(request: ScimRequest): Promise<ScimContext> {
    const resource = String(request.resource);
    if (resource !== 'SCIM_RESOURCE_USER' && resource !== 'SCIM_RESOURCE_GROUP') {
      throw ScimError.invalidSyntax('The request names no SCIM resource type.');
    }

    return this.tokens.authenticate(request.token, request.baseUrl);
  }
}

function isUser(request: ScimRequest): boolean {
  return String(request.resource) === 'SCIM_RESOURCE_USER';
}

function bodyOf(request: ScimRequest): unknown {
  if (!request.bodyJson) {
    throw ScimError.invalidSyntax('The request has no body.');
  }
  try {
    return JSON.parse(request.bodyJson) as unknown;
  } catch {
    throw ScimError.invalidSyntax('The request body is not valid JSON.');
  }
}

function shape(resource: ScimResource, request: ScimRequest): ScimResource {
  return project(resource, request.attributes, request.excludedAttributes, [
    SCHEMA.enterpriseUser,
    SCHEMA.department,
  ]);
}

function answer(result: ScimResult, request: ScimRequest): ScimResponse {
  return {
    bodyJson: JSON.stringify(shape(result.resource, request)),
    etag: result.version,
    location: result.location,
  };
}

function tokenToProto(token: ScimTokenView): ScimTokenMessage {
  return {
    id: token.id,
    orgId: token.orgId,
    name: token.name,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? '',
    revokedAt: token.revokedAt?.toISOString() ?? '',
  };
}
