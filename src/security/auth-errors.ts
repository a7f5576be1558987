// The security subset of the error catalogue: 401s that say which signature check failed, and the 403 of a key
// limited to some scenarios. Built on GatewayError so the one error middleware writes them like every other error.
import { GatewayError } from '../errors.js';

export const authFail = {
  signatureMissing: (header: string) => new GatewayError(401, 'error.signature_missing', { header }),
  signatureTimestamp: (value: string) => new GatewayError(401, 'error.signature_timestamp', { value }),
  signatureStale: (seconds: number, tolerance: number) =>
    new GatewayError(401, 'error.signature_stale', { seconds, tolerance }),
  signatureFuture: (seconds: number, tolerance: number) =>
    new GatewayError(401, 'error.signature_future', { seconds, tolerance }),
  signatureNonce: () => new GatewayError(401, 'error.signature_nonce'),
  signatureReplayed: () => new GatewayError(401, 'error.signature_replayed'),
  signatureInvalid: () => new GatewayError(401, 'error.signature_invalid'),
  scenarioForbidden: (name: string) => new GatewayError(403, 'error.scenario_forbidden', { name }),
  rawWorkflowForbidden: () => new GatewayError(403, 'error.raw_workflow_forbidden'),
};
