// Who is asking, as far as jobs are concerned. Every API key is a caller that sees and touches only the prompts it
// submitted; a key with `role: admin` sees and manages all of them. With no API keys configured there is no caller
// at all: the gateway is single-tenant and everything is visible, as it always was.

export interface Caller {
  /** The key's name (or the start of its digest when unnamed): stored as a job's owner, never the key itself. */
  id: string;
  admin: boolean;
  /** The scenarios the key may run; absent: all of them. */
  scenarios?: readonly string[];
  /** The highest job priority this caller may ask for (api key `priority_max`); undefined: no cap. */
  priorityMax?: number;
}

/** Whether `caller` may see a job owned by `owner` (undefined: submitted with auth off, or around the gateway). */
export function maySee(caller: Caller | undefined, owner: string | undefined): boolean {
  return caller === undefined || caller.admin || owner === caller.id;
}

/** The owner to stamp on a submission: the caller's id, or nothing on a single-tenant gateway. */
export function ownerFor(caller: Caller | undefined): string | undefined {
  return caller?.id;
}

/** The priority a job gets: what the request asked for, lowered to the caller's cap. */
export function priorityFor(caller: Caller | undefined, requested: number | undefined): number | undefined {
  if (requested === undefined || caller?.priorityMax === undefined) return requested;
  return Math.min(requested, caller.priorityMax);
}
