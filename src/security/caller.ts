// Who is asking, as far as jobs are concerned. Every API key is a caller that sees and touches only the prompts it
// submitted; a key with `role: admin` sees and manages all of them. With no API keys configured there is no caller
// at all: the gateway is single-tenant and everything is visible, as it always was.

export interface Caller {
  /** The key's name (or the start of its digest when unnamed): stored as a job's owner, never the key itself. */
  id: string;
  admin: boolean;
  /** The scenarios the key may run; absent: all of them. */
  scenarios?: readonly string[];
}

/** Whether `caller` may see a job owned by `owner` (undefined: submitted with auth off, or around the gateway). */
export function maySee(caller: Caller | undefined, owner: string | undefined): boolean {
  return caller === undefined || caller.admin || owner === caller.id;
}

/** The owner to stamp on a submission: the caller's id, or nothing on a single-tenant gateway. */
export function ownerFor(caller: Caller | undefined): string | undefined {
  return caller?.id;
}
