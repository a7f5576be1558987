// The origin a request arrived by, for the links an answer carries when server.public_url is empty.
import type { Context } from 'koa';
import { requestOrigin } from '../images/image-url.js';

export function originOf(ctx: Context): string {
  return requestOrigin(ctx.req);
}
