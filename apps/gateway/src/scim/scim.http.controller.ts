import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { ConferError } from '@confer/errors';
import { Caller } from '@confer/grpc';
import { normaliseCorrelationId } from '@confer/logging';

import { Public } from '../auth/public.decorator';
import { CONTACTS, ContactsClient } from '../clients/service-clients';
import { ScimErrorFilter, SCIM_MEDIA_TYPE } from './scim-error.filter';
import { attributeList, SCIM_PATH, scimBaseUrl, scimBody, scimToken } from './scim-request';

type ScimRequest = Parameters<ContactsClient['scimGet']>[1];
type ScimResponse = Awaited<ReturnType<ContactsClient['scimGet']>>;
type Resource = ScimRequest['resource'];

const RESOURCES: Record<string, Resource> = {
  Users: 'SCIM_RESOURCE_USER' as Resource,
  Groups: 'SCIM_RESOURCE_GROUP' as Resource,
};

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/**
 * SCIM 2.0 (RFC 7644) at /scim/v2, for identity providers that provision the
 * directory. Not behind the platform's JWT: every request carries the
 * organisation's SCIM bearer token, which contacts authenticates. This edge
 * only moves JSON, headers and statuses; contacts owns the SCIM semantics.
 * Documented by its own discovery endpoints, so it stays out of the OpenAPI.
 */
@ApiExcludeController()
@Public()
@UseFilters(ScimErrorFilter)
@Controller(SCIM_PATH)
export class ScimHttpController {
  constructor(@Inject(CONTACTS) private readonly contacts: ContactsClient) {}

  @Get(['ServiceProviderConfig', 'ResourceTypes', 'Schemas'])
  async discoveryList(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.discover(request, response, request.path.split('/').pop() ?? '', '');
  }

  @Get(['ResourceTypes/:id', 'Schemas/:id'])
  async discoveryOne(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    const endpoint = request.path.split('/').at(-2) ?? '';
    await this.discover(request, response, endpoint, id);
  }

  @Post(['Users', 'Groups'])
  async create(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.contacts.scimCreate(caller(request), this.request(request));
    response.setHeader('Location', answer.location);
    send(response, 201, answer);
  }

  @Get(['Users', 'Groups'])
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    const query = request.query;
    const answer = await this.contacts.scimList(caller(request), {
      ...this.request(request, ''),
      filter: typeof query.filter === 'string' ? query.filter : '',
      ...paging(query.startIndex, query.count),
      attributes: attributeList(query.attributes),
      excludedAttributes: attributeList(query.excludedAttributes),
    });
    send(response, 200, answer);
  }

  /** RFC 7644 section 3.4.3: the same query as a POST body, so filters stay out of URLs and logs. */
  @Post(['Users/.search', 'Groups/.search'])
  @HttpCode(200)
  async search(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const schemas = body.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(SEARCH_REQUEST)) {
      throw scimSyntax(`A search body must name the schema ${SEARCH_REQUEST}.`);
    }
    const answer = await this.contacts.scimList(caller(request), {
      ...this.request(request, ''),
      filter: typeof body.filter === 'string' ? body.filter : '',
      ...paging(body.startIndex, body.count),
      attributes: attributeList(body.attributes),
      excludedAttributes: attributeList(body.excludedAttributes),
    });
    send(response, 200, answer);
  }

  @Get(['Users/:id', 'Groups/:id'])
  async get(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    const query = request.query;
    const answer = await this.contacts.scimGet(caller(request), {
      ...this.request(request, ''),
      id,
      attributes: attributeList(query.attributes),
      excludedAttributes: attributeList(query.excludedAttributes),
    });
    const unchanged = request.headers['if-none-match'];
    if (unchanged && unchanged.split(',').some((tag) => sameTag(tag, answer.etag))) {
      response.setHeader('ETag', answer.etag);
      response.status(304).end();

      return;
    }
    send(response, 200, answer);
  }

  @Put(['Users/:id', 'Groups/:id'])
  async replace(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    const answer = await this.contacts.scimReplace(caller(request), {
      ...this.request(request),
      id,
    });
    send(response, 200, answer);
  }

  @Patch(['Users/:id', 'Groups/:id'])
  async patch(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    const answer = await this.contacts.scimPatch(caller(request), {
      ...this.request(request),
      id,
    });
    send(response, 200, answer);
  }

  @Delete(['Users/:id', 'Groups/:id'])
  async remove(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    await this.contacts.scimDelete(caller(request), {
      ...this.request(request, ''),
      id,
    });
    response.status(204).end();
  }

  private async discover(
    request: Request,
    response: Response,
    endpoint: string,
    id: string,
  ): Promise<void> {
    const answer = await this.contacts.scimDiscover(caller(request), {
      token: scimToken(request),
      endpoint,
      id,
      baseUrl: scimBaseUrl(request),
    });
    send(response, 200, answer);
  }

  private request(request: Request, body = scimBody(request)): ScimRequest {
    const ifMatch = request.headers['if-match'];

    return {
      token: scimToken(request),
      resource: resourceOf(request),
      id: '',
      bodyJson: body,
      ifMatch: typeof ifMatch === 'string' ? ifMatch : '',
      baseUrl: scimBaseUrl(request),
      filter: '',
      startIndex: 0,
      count: 0,
      countGiven: false,
      attributes: [],
      excludedAttributes: [],
    };
  }
}

/**
 * SCIM calls act for no person: contacts reads the organisation from the bearer
 * token in the request, and this caller only carries the correlation id.
 */
function caller(request: Request & { id?: unknown }): Caller {
  return {
    userId: 'scim',
    orgId: 'scim',
    roles: [],
    correlationId: normaliseCorrelationId(request.id),
  };
}

/** The resource type a route serves, from the path segment after /scim/v2. */
function resourceOf(request: Request): Resource {
  const segment = request.path.split('/')[3] ?? '';

  return RESOURCES[segment];
}

function send(response: Response, status: number, answer: ScimResponse): void {
  if (answer.etag) {
    response.setHeader('ETag', answer.etag);
  }
  response.status(status).type(SCIM_MEDIA_TYPE).send(answer.bodyJson);
}

/** startIndex and count as integers; anything unreadable is left to the defaults. */
function paging(
  startIndex: unknown,
  count: unknown,
): Pick<ScimRequest, 'startIndex' | 'count' | 'countGiven'> {
  const integer = (value: unknown) => {
    const number = typeof value === 'string' && value.trim() ? Number(value) : value;

    return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
  };
  const counted = integer(count);

  return {
    startIndex: Math.min(Math.max(integer(startIndex) ?? 1, 1), 2 ** 31 - 1),
    count: Math.min(Math.max(counted ?? 0, 0), 2 ** 31 - 1),
    countGiven: counted !== undefined,
  };
}

function sameTag(a: string, b: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//i, '');

  return a.trim() === '*' || opaque(a) === opaque(b);
}

function scimSyntax(detail: string) {
  return new ConferError('malformed', 'scim.invalid_syntax', detail, {
    scimStatus: 400,
    scimType: 'invalidSyntax',
  });
}
