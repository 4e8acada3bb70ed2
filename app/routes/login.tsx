import { json, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { login } from "~/services/auth.server";
import { getUser, sessionCookieHeader } from "~/lib/session.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";

export const meta: MetaFunction = () => [{ title: "Anmelden – Vergabe und Trägerverwaltung" }];

/** Only local paths, so the login cannot be used to send people elsewhere. */
function safeRedirect(target: FormDataEntryValue | string | null, fallback: string): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}

function homeFor(role: string): string {
  return role === "provider" ? "/portal" : "/";
}

/** A throttled attempt's Retry-After reaches the page response too, not only fetch submissions. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) return redirect(homeFor(user.role));
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const password = String(form.get("password") ?? "");
  if (!email.trim() || !password) {
    return json({ error: "Bitte geben Sie E-Mail-Adresse und Passwort ein.", email }, { status: 400 });
  }
  const result = await login(email, password, context?.clientAddress ?? "unbekannt");
  if (!result.ok) {
    if (result.throttled) return json({ error: result.error, email }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } });
    return json({ error: result.error, email }, { status: 401 });
  }
  const target = safeRedirect(form.get("redirectTo"), homeFor(result.user.role));
  return redirect(target === "/" ? homeFor(result.user.role) : target, {
    headers: { "Set-Cookie": await sessionCookieHeader(request, result.token, result.expiresAt) },
  });
}

export default function Login() {
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="login">
      <h1>Anmelden</h1>
      <Form method="post" className="form narrow">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        {!data && params.get("ended") ? (
          <div className="alert alert-warn" role="status">
            Ihre Sitzung ist abgelaufen oder wurde beendet. Bitte melden Sie sich erneut an.
          </div>
        ) : null}
        {data && "error" in data ? (
          <div className="alert alert-error" role="alert" id="login-error">
            {data.error}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="email">E-Mail</label>
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={data && "email" in data ? data.email : ""} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="password">Passwort</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="button">
          Anmelden
        </button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
