// Once before every test file: the console's build (ui/dist) is brought up to date, so the files that serve or drive
// it never build it at the same time (two Vite builds into one folder would clobber each other).
import { buildConsole } from '../ui/build.mjs';

// vitest.config.ts has two projects (memory, redis) that inherit this file, and vitest calls it for the root and for
// each project, at the same moment, in one process: the build is shared through globalThis so it runs once.
const shared = globalThis as typeof globalThis & { consoleBuild?: Promise<unknown> };

export default async function setup(): Promise<void> {
  shared.consoleBuild ??= buildConsole();
  await shared.consoleBuild;
}
