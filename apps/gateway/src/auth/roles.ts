import { PATH_METADATA } from '@nestjs/common/constants';

import { AuthError } from '@confer/errors';
import { Caller } from '@confer/grpc';

export const ORG_ADMIN = 'org_admin';

/** Refuses with 403 unless the caller administers their organisation. */
export function requireOrgAdmin(caller: Caller): void {
  if (!caller.roles.includes(ORG_ADMIN)) {
    throw AuthError.forbidden('Only organisation administrators may do this.');
  }
}

/**
 * Whether a handler is served under `/admin/...`, read from its routing
 * metadata rather than the request path, so a spelling the router also
 * accepts (another case, a doubled slash) is still recognised.
 */
export function isAdminRoute(controller: object, handler: object): boolean {
  // Asked on every request; routes never change once the app is up. Keyed by controller
  // too, as an inherited handler may serve under several prefixes.
  let handlers = adminRoutes.get(controller);
  if (!handlers) {
    handlers = new WeakMap();
    adminRoutes.set(controller, handlers);
  }
  let known = handlers.get(handler);
  if (known === undefined) {
    known = readIsAdminRoute(controller, handler);
    handlers.set(handler, known);
  }

  return known;
}

const adminRoutes = new WeakMap<object, WeakMap<object, boolean>>();

function readIsAdminRoute(controller: object, handler: object): boolean {
  const prefixes = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
  const routes = pathsOf(Reflect.getMetadata(PATH_METADATA, handler));

  return prefixes.some((prefix) =>
    routes.some((route) => /^admin(\/|$)/i.test(trimSlashes(`${prefix}/${route}`))),
  );
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) {
    return metadata.length > 0 ? metadata.map(String) : [''];
  }

  return [typeof metadata === 'string' ? metadata : ''];
}

function trimSlashes(path: string): string {
  return path.replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
}
