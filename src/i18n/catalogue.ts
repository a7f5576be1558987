// Every text the gateway says, composed from one file per area. No key may appear in two areas (a spread would let
// the later one win silently): test/unit/i18n/catalogue.test.ts counts them.
import { coreRouteMessages } from './core-routes.js';
import { errorMessages } from './errors.js';
import { imageInputMessages } from './image-inputs.js';
import { jobMessages } from './jobs.js';
import { manifestMessages } from './manifests.js';
import { outputMessages } from './outputs.js';
import { scenarioCheckMessages } from './scenario-checks.js';
import { securityMessages } from './security.js';
import { successMessages } from './successes.js';
import { validationMessages } from './validation.js';
import { webhookIdempotencyMessages } from './webhooks-idempotency.js';
import { websocketMessages } from './websocket.js';
import { yamlErrorMessages } from './yaml-errors.js';

export const catalogueParts = {
  successMessages,
  jobMessages,
  outputMessages,
  websocketMessages,
  coreRouteMessages,
  imageInputMessages,
  errorMessages,
  webhookIdempotencyMessages,
  securityMessages,
  validationMessages,
  manifestMessages,
  yamlErrorMessages,
  scenarioCheckMessages,
};

/** key → [zh-CN, en]. `{name}` is replaced by the parameter of that name. */
export const catalogue = {
  ...successMessages,
  ...jobMessages,
  ...outputMessages,
  ...websocketMessages,
  ...coreRouteMessages,
  ...imageInputMessages,
  ...errorMessages,
  ...webhookIdempotencyMessages,
  ...securityMessages,
  ...validationMessages,
  ...manifestMessages,
  ...yamlErrorMessages,
  ...scenarioCheckMessages,
} satisfies Record<string, readonly [string, string]>;
