// Guards come from what each route declares (its access, raw-workflow, scenario parameter), installed when it is
// mounted; one guard stands in front of whatever no route matched. Over a real socket, through the real createApp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteGroup } from '../../src/app.js';
import { defineRoute } from '../../src/http/define-route.js';
import { ok } from '../../src/http/envelope.js';
import { startGuardedApp, type GuardedApp } from '../unit/security/guarded-app.js';

const admin = { 'x-api-key': 'admin-key-0001' };
const caller = { 'x-api-key': 'caller-key-0002' };
const limited = { 'x-api-key': 'limited-key-0003' };

const extra: RouteGroup[] = [
  {
    name: 'extra',
    routes: [
      defineRoute({ method: 'get', path: '/open/{id}', operationId: 'open', summary: 'public', tags: ['t'], access: 'public', handler: (ctx) => ok(ctx, 'open') }),
      defineRoute({ method: 'get', path: '/reference', operationId: 'reference', summary: 'docs', tags: ['t'], access: 'docs', handler: (ctx) => ok(ctx, 'docs') }),
      defineRoute({ method: 'post', path: '/api/v1/operate', operationId: 'operate', summary: 'admin only', tags: ['t'], access: 'admin', handler: (ctx) => ok(ctx, 'done') }),
      defineRoute({ method: 'post', path: '/api/v1/raw', operationId: 'raw', summary: 'takes a graph', tags: ['t'], rawWorkflow: true, handler: (ctx) => ok(ctx, 'ran') }),
    ],
  },
];

async function status(app: GuardedApp, method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(app.url + path, { method, headers });
  await response.arrayBuffer();
  return response.status;
}

describe('guards from route facts, keys on', () => {
  let app: GuardedApp;
  beforeAll(async () => {
    app = await startGuardedApp(
      {
        locale: 'en',
        auth: {
          api_keys: [
            { key: 'admin-key-0001', name: 'ops', role: 'admin' },
            { key: 'caller-key-0002', name: 'shop' },
            { key: 'limited-key-0003', name: 'limited', scenarios: ['allowed'] },
          ],
        },
      },
      { groups: extra },
    );
  });
  afterAll(async () => app.close());

  it('opens what is declared open, and protects what says nothing', async () => {
    expect(await status(app, 'GET', '/open/1')).toBe(200);
    expect(await status(app, 'GET', '/reference')).toBe(200);
    expect(await status(app, 'GET', '/health')).toBe(200);
    expect(await status(app, 'GET', '/api/v1/queue/probe')).toBe(401);
    expect(await status(app, 'GET', '/api/v1/queue/probe', caller)).toBe(200);
  });

  it('answers 401 before 404 for a path no route has, and 405 on an open path without a key', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/open/1/2', '/open']) {
      expect([path, await status(app, 'GET', path)]).toEqual([path, 401]);
      expect([path, await status(app, 'GET', path, caller)]).toEqual([path, 404]);
    }
    // The path is open: asking it with another method tells nothing a key would protect.
    expect(await status(app, 'POST', '/health')).toBe(405);
    expect(await status(app, 'DELETE', '/api/v1/queue/probe')).toBe(401);
    expect(await status(app, 'DELETE', '/api/v1/queue/probe', caller)).toBe(405);
  });

  it('lets only an admin key call an admin route', async () => {
    const refused = await fetch(`${app.url}/api/v1/operate`, { method: 'POST', headers: caller });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ code: 403, message: 'This route needs an API key with role: admin', data: null });
    expect(await status(app, 'POST', '/api/v1/operate', admin)).toBe(200);
    expect(await status(app, 'POST', '/api/v1/operate')).toBe(401);
  });

  it('keeps a key limited to some scenarios to those, and off raw-workflow routes', async () => {
    expect(await status(app, 'POST', '/api/v1/scenarios/allowed', limited)).toBe(200);
    expect(await status(app, 'POST', '/api/v1/scenarios/other', limited)).toBe(403);
    expect(await status(app, 'POST', '/api/v1/raw', limited)).toBe(403);
    expect(await status(app, 'POST', '/api/v1/raw', caller)).toBe(200);
    expect(await status(app, 'POST', '/api/v1/scenarios/other', caller)).toBe(200);
  });
});

describe('guards from route facts, docs and health protected', () => {
  let app: GuardedApp;
  beforeAll(async () => {
    app = await startGuardedApp({ auth: { api_keys: ['caller-key-0002'], protect_docs: true, protect_health: true } }, { groups: extra });
  });
  afterAll(async () => app.close());

  it('asks a key for docs and health routes, never for public ones', async () => {
    expect(await status(app, 'GET', '/reference')).toBe(401);
    expect(await status(app, 'GET', '/health')).toBe(401);
    expect(await status(app, 'GET', '/open/1')).toBe(200);
    expect(await status(app, 'GET', '/reference', caller)).toBe(200);
  });
});

describe('guards from route facts, no keys', () => {
  let app: GuardedApp;
  beforeAll(async () => {
    app = await startGuardedApp({}, { groups: extra });
  });
  afterAll(async () => app.close());

  it('leaves every route open, admin routes included (one tenant acts as an admin)', async () => {
    expect(await status(app, 'POST', '/api/v1/operate')).toBe(200);
    expect(await status(app, 'POST', '/api/v1/raw')).toBe(200);
    expect(await status(app, 'GET', '/api/v1/nope')).toBe(404);
  });
});
