import { createCookie, redirect } from "@remix-run/node";
import { missingScopeMessage, requiredScope } from "~/domain/api-scopes";
import { can, type Permission } from "~/domain/permissions";
import { recordPermissionDenied, userForApiToken, userForSession, type CurrentUser, type PersonUser } from "./identity.server";
import { now } from "./clock.server";
import { sessionSecret } from "./config.server";
import { problem } from "./http.server";

/** The session cookie holds a random token (signed); the session itself lives in the database. */
export const sessionCookie = createCookie("sid", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secrets: [sessionSecret()],
});

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

/**
 * The cookie carries a relative lifetime (Max-Age), never an absolute Expires: the application
 * clock (APP_TIME outside production) may differ from the browser's, and an Expires computed on
 * it would make a browser whose clock is later drop the cookie at once. The server still enforces
 * the session's end from its sessions table on the application clock.
 */
export async function sessionCookieHeader(request: Request, token: string, expiresAt: string): Promise<string> {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - now().getTime()) / 1000));
  return sessionCookie.serialize(token, { secure: isHttps(request), maxAge });
}

export async function clearSessionCookieHeader(request: Request): Promise<string> {
  return sessionCookie.serialize("", { secure: isHttps(request), maxAge: 0 });
}

export async function sessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value ? value : null;
}

const cache = new WeakMap<Request, Promise<PersonUser | null>>();

/** The signed-in user, or null. Looked up once per request. */
export function getUser(request: Request): Promise<PersonUser | null> {
  let pending = cache.get(request);
  if (!pending) {
    pending = sessionToken(request).then((token) => (token ? userForSession(token) : null));
    cache.set(request, pending);
  }
  return pending;
}

export function loginRedirect(request: Request, sessionEnded = false): Response {
  const url = new URL(request.url);
  const target = url.pathname + url.search;
  return redirect(`/login?redirectTo=${encodeURIComponent(target)}${sessionEnded ? "&ended=1" : ""}`);
}

/** The signed-in user, or a redirect to the login page (noting when a session had ended). */
export async function requireUser(request: Request): Promise<PersonUser> {
  const user = await getUser(request);
  if (!user) throw loginRedirect(request, Boolean(await sessionToken(request)));
  return user;
}

/** The signed-in user holding the permission; otherwise login redirect or 403 (audited). */
export async function requirePermission(request: Request, permission: Permission): Promise<PersonUser> {
  const user = await requireUser(request);
  if (!can(user.role, permission)) {
    const url = new URL(request.url);
    await recordPermissionDenied(user, `${request.method} ${url.pathname} (${permission})`);
    throw new Response("Sie haben keine Berechtigung für diese Seite.", { status: 403 });
  }
  return user;
}

/**
 * API: who acts with the bearer token, holding the permission, or a problem+json error: 401
 * without a valid token (unknown, expired, revoked), 403 when the role lacks the permission or
 * the token lacks the scope the permission needs for this method (app/domain/api-scopes.ts; the
 * German `detail` names it, and `WWW-Authenticate: Bearer …, error="insufficient_scope",
 * scope="offers"` carries it machine-readable, RFC 6750). For an organisation token the result
 * has `id: null` and `apiToken` set (ADR 0014).
 */
export async function requireApiUser(request: Request, permission: Permission): Promise<CurrentUser> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const user = match ? await userForApiToken(match[1]) : null;
  if (!user) {
    throw problem(401, "Nicht angemeldet", "Bitte senden Sie einen gültigen API-Schlüssel im Kopf „Authorization: Bearer …“. Abgelaufene und widerrufene Schlüssel gelten nicht mehr.", {
      "WWW-Authenticate": 'Bearer realm="api"',
    });
  }
  const where = `API ${request.method} ${new URL(request.url).pathname}`;
  if (!can(user.role, permission)) {
    await recordPermissionDenied(user, `${where} (${permission})`);
    throw problem(403, "Keine Berechtigung", "Ihr Zugang darf diese Schnittstelle nicht verwenden.");
  }
  const scope = requiredScope(permission, request.method);
  if (!scope || !user.apiToken?.scopes.includes(scope)) {
    await recordPermissionDenied(user, `${where} (${permission}, Berechtigung des Zugangs: ${scope ?? "keine"})`);
    // RFC 6750 § 3.1: the missing scope also machine-readable, in WWW-Authenticate.
    throw problem(403, "Keine Berechtigung", missingScopeMessage(scope), {
      "WWW-Authenticate": scope ? `Bearer realm="api", error="insufficient_scope", scope="${scope}"` : 'Bearer realm="api", error="insufficient_scope"',
    });
  }
  return user;
}
