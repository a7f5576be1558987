// What a route is, as far as the guards care: declared on the route itself, read once when it is mounted. Nothing
// about a route is worked out again from the path of a request.

/**
 * Who may call a route.
 * - `public`: anyone, always.
 * - `health`: the service routes (/, /health, /metrics): public unless auth.protect_health.
 * - `docs`: the API reference and its files: public unless auth.protect_docs.
 * - `key`: an API key when keys are configured (the default: a route that says nothing is protected).
 * - `admin`: a key with `role: admin` when keys are configured.
 */
export type Access = 'public' | 'health' | 'docs' | 'key' | 'admin';

export interface RouteFacts {
  /** Who may call it; `key` unless said otherwise. */
  access?: Access;
  /** Takes a raw workflow (or acts on every caller's prompts): a key limited to some scenarios may not use it. */
  rawWorkflow?: boolean;
  /** Its JSON body may carry base64 images: limits.image_body_bytes instead of limits.json_body_bytes. */
  imageBody?: boolean;
  /** The path parameter naming the scenario it runs: a key limited to some scenarios may run only those. */
  scenarioParam?: string;
}

/** A route's facts as mounted: with the name of its group (signature groups are named by it). */
export interface MountedFacts extends RouteFacts {
  group: string;
}

/** Whether a route of this access needs no credentials under these auth settings (the guards and the docs agree). */
export function isOpenAccess(
  access: Access | undefined,
  auth: { protect_health: boolean; protect_docs: boolean },
): boolean {
  if (access === 'public') return true;
  if (access === 'health') return !auth.protect_health;
  if (access === 'docs') return !auth.protect_docs;
  return false;
}
