// What every page needs: the words of the chosen language and what the key in use may see.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translator, type Translate } from './i18n';
import type { WhoAmI } from './types';

export interface Session {
  t: Translate;
  who: WhoAmI;
}

export const SessionContext = createContext<Session>({
  t: translator('en'),
  who: { auth: false, caller: null, admin: true, scenarios: null },
});

export const useSession = (): Session => useContext(SessionContext);
