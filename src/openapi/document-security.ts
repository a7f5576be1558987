// Which operations the document marks as needing an API key: those whose access the guards leave open with this
// config need none, by the same rule the guards apply (isOpenAccess). No keys configured: none.
import type { Config } from '../config.js';
import { isOpenAccess, type Access } from '../http/route-facts.js';

export function documentedSecurity(auth: Config['auth']): { isOpen(access: Access | undefined): boolean } | undefined {
  if (auth.api_keys.length === 0 && auth.api_keys_file === '') return undefined;
  return { isOpen: (access) => isOpenAccess(access, auth) };
}
