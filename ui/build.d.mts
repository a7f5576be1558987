/** Builds the console into ui/dist when its sources changed (or always with `force`); true when it built. */
export function buildConsole(options?: { force?: boolean }): Promise<boolean>;
