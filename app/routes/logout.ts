import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "~/services/auth.server";
import { clearSessionCookieHeader, sessionToken } from "~/lib/session.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const token = await sessionToken(request);
  if (token) await logout(token);
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookieHeader(request) } });
}
