// A Lua script as a typed function. ioredis loads it once and runs it by its SHA (EVALSHA, falling back to EVAL
// after a Redis restart forgot it), so the script text crosses the network only when needed.
import type { Redis } from 'ioredis';

export type Script = (client: Redis, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

export function defineScript(name: string, numberOfKeys: number, lua: string): Script {
  return (client, keys, args) => {
    const commands = client as unknown as Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>;
    if (!commands[name]) client.defineCommand(name, { numberOfKeys, lua });
    return commands[name]!(...keys, ...args);
  };
}
