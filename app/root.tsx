import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ROLE_LABELS } from "~/domain/permissions";
import { readFlash } from "~/lib/flash.server";
import { getUser } from "~/lib/session.server";
import { getSettings } from "~/lib/settings.server";
import { navigationFor } from "~/services/dashboard.server";
import { errorTitle, GeneralErrorBoundary } from "~/ui/error-boundary";
import { useNonce } from "~/ui/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/app.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

const APP_NAME = "Vergabe und Trägerverwaltung";

/** Pages set their own title; an error page (e.g. an unknown address) is titled after the error. */
export const meta: MetaFunction = ({ error }) => [{ title: error ? `${errorTitle(error)} – ${APP_NAME}` : APP_NAME }];

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, flash, settings] = await Promise.all([getUser(request), readFlash(request), getSettings()]);
  const nav = await navigationFor(user);
  return json(
    {
      user: user ? { name: user.name, email: user.email, role: user.role, roleLabel: ROLE_LABELS[user.role] } : null,
      nav,
      flash: flash.message,
      authority: settings["letterhead.authority"],
    },
    flash.setCookie ? { headers: { "Set-Cookie": flash.setCookie } } : undefined,
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="de">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Zum Inhalt springen
        </a>
        <header className="topbar">
          <div className="brand">
            <Link to="/">Vergabe und Trägerverwaltung</Link>
            {data?.authority ? <span className="authority">{data.authority}</span> : null}
          </div>
          {data?.user ? (
            <div className="userbox">
              <span>
                {data.user.name} <span className="muted">({data.user.roleLabel})</span>
              </span>
              <Link to="/account/password">Passwort</Link>
              <Form method="post" action="/logout">
                <button type="submit" className="linklike">
                  Abmelden
                </button>
              </Form>
            </div>
          ) : null}
        </header>
        {data?.user && data.nav.length > 0 ? (
          <nav className="mainnav" aria-label="Hauptnavigation">
            <ul>
              {data.nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/providers" || item.to === "/portal"}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="main" tabIndex={-1}>
          {data?.flash ? (
            <div className="alert alert-ok" role="status">
              {data.flash}
            </div>
          ) : null}
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export const ErrorBoundary = GeneralErrorBoundary;

/** Reload user, navigation and the one-time message on every navigation, so no message lingers. */
export const shouldRevalidate = () => true;
