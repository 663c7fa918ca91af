/** Hash routes: the server serves only `/`, the page picks the screen from `#/...`. */
export type Route =
  | { screen: 'investigations' }
  | { screen: 'home'; investigationId: string }
  | { screen: 'evidence'; investigationId: string }
  | { screen: 'item'; investigationId: string; evidenceId: string }
  | { screen: 'tasks'; investigationId: string }
  | { screen: 'admissibility'; investigationId: string }
  | { screen: 'rulebooks'; investigationId: string }
  | { screen: 'authorisations'; investigationId: string }
  | { screen: 'audit'; investigationId: string }
  | { screen: 'team'; investigationId: string }
  | { screen: 'disclosure'; investigationId: string }
  | { screen: 'investigation-bundle-check'; investigationId: string }
  // needs no account: a court clerk checks a bundle with nothing but the page
  | { screen: 'bundle-check' }
  | { screen: 'investigation-log'; investigationId: string }
  | { screen: 'administration' }
  | { screen: 'security-log' }
  | { screen: 'not-found' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((part) => part !== '').map(decodeURIComponent);
  if (parts.length === 0) return { screen: 'investigations' };
  if (parts[0] === 'check-bundle' && parts.length === 1) return { screen: 'bundle-check' };
  // the deployment's pages, for its administrators
  if (parts.length === 1 && parts[0] === 'administration') return { screen: 'administration' };
  if (parts.length === 1 && parts[0] === 'security-log') return { screen: 'security-log' };
  if (parts[0] !== 'investigations') return { screen: 'not-found' };
  const [, investigationId, section, evidenceId] = parts;
  if (investigationId === undefined) return { screen: 'investigations' };
  if (section === undefined) return { screen: 'home', investigationId };
  if (section === 'evidence' && evidenceId === undefined) return { screen: 'evidence', investigationId };
  if (section === 'evidence' && evidenceId !== undefined && parts.length === 4)
    return { screen: 'item', investigationId, evidenceId };
  if (section === 'tasks' && parts.length === 3) return { screen: 'tasks', investigationId };
  if (section === 'admissibility' && parts.length === 3) return { screen: 'admissibility', investigationId };
  if (section === 'rulebooks' && parts.length === 3) return { screen: 'rulebooks', investigationId };
  if (section === 'authorisations' && parts.length === 3) return { screen: 'authorisations', investigationId };
  if (section === 'custody-audit' && parts.length === 3) return { screen: 'audit', investigationId };
  if (section === 'team' && parts.length === 3) return { screen: 'team', investigationId };
  if (section === 'disclosure' && parts.length === 3) return { screen: 'disclosure', investigationId };
  if (section === 'check-bundle' && parts.length === 3) return { screen: 'investigation-bundle-check', investigationId };
  if (section === 'security-log' && parts.length === 3) return { screen: 'investigation-log', investigationId };
  return { screen: 'not-found' };
}

export const href = {
  investigations: () => '#/',
  home: (id: string) => `#/investigations/${encodeURIComponent(id)}`,
  evidence: (id: string) => `#/investigations/${encodeURIComponent(id)}/evidence`,
  item: (id: string, evidenceId: string) =>
    `#/investigations/${encodeURIComponent(id)}/evidence/${encodeURIComponent(evidenceId)}`,
  tasks: (id: string) => `#/investigations/${encodeURIComponent(id)}/tasks`,
  admissibility: (id: string) => `#/investigations/${encodeURIComponent(id)}/admissibility`,
  rulebooks: (id: string) => `#/investigations/${encodeURIComponent(id)}/rulebooks`,
  authorisations: (id: string) => `#/investigations/${encodeURIComponent(id)}/authorisations`,
  audit: (id: string) => `#/investigations/${encodeURIComponent(id)}/custody-audit`,
  team: (id: string) => `#/investigations/${encodeURIComponent(id)}/team`,
  disclosure: (id: string) => `#/investigations/${encodeURIComponent(id)}/disclosure`,
  checkBundle: (id: string | null = null) =>
    id === null ? '#/check-bundle' : `#/investigations/${encodeURIComponent(id)}/check-bundle`,
  investigationLog: (id: string) => `#/investigations/${encodeURIComponent(id)}/security-log`,
  administration: () => '#/administration',
  securityLog: () => '#/security-log',
};

const current = $state({ route: parseRoute(globalThis.location?.hash ?? '') });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    current.route = parseRoute(window.location.hash);
  });
}

export const router = {
  get route(): Route {
    return current.route;
  },
};

export function navigate(hash: string): void {
  window.location.hash = hash;
}
