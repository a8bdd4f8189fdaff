/**
 * The token API's routes (API_ROUTES) compiled once and matched the way API Gateway matches them: by path first,
 * then method (a known path with another method is 405, not 404). Used by the handler (lambda/token/app.ts) and by
 * the sandbox's API Gateway stand-in (local/src/api-adapter/event.ts).
 */
import { API_ROUTES } from './token-api.js';

export type ApiRouteName = keyof typeof API_ROUTES;

export interface CompiledRoute {
  readonly name: ApiRouteName;
  readonly method: string;
  /** API Gateway's routeKey, e.g. "DELETE /participants/{participantId}". */
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
}

export const COMPILED_ROUTES: readonly CompiledRoute[] = (Object.keys(API_ROUTES) as ApiRouteName[]).map((name) => {
  const { method, path } = API_ROUTES[name];
  const paramNames: string[] = [];
  const source = path.replace(/\{([^}]+)\}/g, (_m, p: string) => {
    paramNames.push(p);
    return '([^/]+)';
  });
  return { name, method, routeKey: `${method} ${path}`, pattern: new RegExp(`^${source}$`), paramNames };
});

export type RouteMatch =
  /** `params` are the raw (still URL-encoded) path segments, by name. */
  | { readonly kind: 'match'; readonly route: CompiledRoute; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'methodNotAllowed'; readonly allow: readonly string[] }
  | { readonly kind: 'notFound' };

/** Matches a path relative to the API's base. */
export function matchApiRoute(method: string, path: string): RouteMatch {
  const onPath = COMPILED_ROUTES.flatMap((route) => {
    const m = route.pattern.exec(path);
    return m === null ? [] : [{ route, m }];
  });
  if (onPath.length === 0) return { kind: 'notFound' };
  const hit = onPath.find((x) => x.route.method === method);
  if (hit === undefined) return { kind: 'methodNotAllowed', allow: [...new Set(onPath.map((x) => x.route.method))] };
  const params: Record<string, string> = {};
  hit.route.paramNames.forEach((p, i) => {
    params[p] = hit.m[i + 1] ?? '';
  });
  return { kind: 'match', route: hit.route, params };
}
