// The JSON Schema objects we write by hand (route bodies, scenario fields). Kept loose on purpose: ajv checks
// them at compile time, and the same object is handed to openapi3-ts as-is.
export type JsonSchema = Record<string, unknown>;
