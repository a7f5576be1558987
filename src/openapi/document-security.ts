// Which operations the document marks as needing an API key: exactly those the gateway's own access policy
// protects (src/security/access-policy.ts), so the docs say what the guard does. No keys configured: none.
import type { Config } from '../config.js';
import type { RouteSpec } from '../http/define-route.js';
import { createAccessPolicy, type AccessPolicy } from '../security/access-policy.js';

export function documentedSecurity(
  auth: Config['auth'],
  specs: () => readonly RouteSpec[],
): { isPublic(path: string): boolean } | undefined {
  if (auth.api_keys.length === 0 && auth.api_keys_file === '') return undefined;
  // Built on first use: the specs are complete only once createApp has mounted every group.
  let policy: AccessPolicy | undefined;
  return {
    isPublic(path) {
      policy ??= createAccessPolicy({
        routes: specs(),
        protectDocs: auth.protect_docs,
        protectHealth: auth.protect_health,
      });
      return policy.isPublic(path);
    },
  };
}
