// Once before every test file: the console's build (ui/dist) is brought up to date, so the files that serve or drive
// it never build it at the same time (two Vite builds into one folder would clobber each other).
import { buildConsole } from '../ui/build.mjs';

export default async function setup(): Promise<void> {
  await buildConsole();
}
