import { createContext, useContext } from 'react';
import type { Session } from './api.ts';

export const SessionContext = createContext<{ session: Session; logout: () => void } | null>(null);

export function useSession(): Session {
  const c = useContext(SessionContext);
  if (!c) throw new Error('useSession outside of a logged-in shell');
  return c.session;
}
