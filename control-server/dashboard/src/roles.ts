import type { Role } from '../../../protocol/index.ts';

/** Which roles see which page. The server enforces the same split on every route. */
export interface PageDef {
  path: string;
  label: string;
  roles: readonly Role[];
}

export const PAGES: readonly PageDef[] = [
  { path: '/campaigns', label: 'nav.campaigns', roles: ['admin', 'operator'] },
  { path: '/whats-playing', label: 'nav.whatsPlaying', roles: ['admin', 'operator', 'technician'] },
  { path: '/fleet', label: 'nav.fleet', roles: ['admin', 'technician'] },
  { path: '/alerts', label: 'nav.alerts', roles: ['admin', 'technician'] },
  { path: '/feeds', label: 'nav.feeds', roles: ['admin', 'operator', 'technician'] },
  { path: '/plays', label: 'nav.plays', roles: ['admin', 'operator'] },
  { path: '/audit', label: 'nav.audit', roles: ['admin'] },
  { path: '/users', label: 'nav.users', roles: ['admin'] },
];

export function canSee(role: Role, path: string): boolean {
  const page = PAGES.find((p) => path === p.path || path.startsWith(`${p.path}/`));
  return page ? page.roles.includes(role) : true;
}

export function homeOf(role: Role): string {
  return role === 'technician' ? '/fleet' : '/campaigns';
}

export const canEditCampaigns = (role: Role) => role === 'admin' || role === 'operator';
export const canCommand = (role: Role) => role === 'admin' || role === 'technician';
