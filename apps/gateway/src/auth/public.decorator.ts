import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'confer:public';

/** Lets a route (or a whole controller) through without a bearer token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
