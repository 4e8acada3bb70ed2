import { createCookie, redirect } from "@remix-run/node";
import { sessionSecret } from "./config.server";

/** A one-time message shown after a redirect ("Gespeichert."). */
const flashCookie = createCookie("flash", { httpOnly: true, sameSite: "lax", path: "/", secrets: [sessionSecret()], maxAge: 60 });

export async function redirectWithFlash(url: string, message: string, init: { headers?: HeadersInit } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await flashCookie.serialize(message));
  return redirect(url, { headers });
}

/** Read and clear the message. */
export async function readFlash(request: Request): Promise<{ message: string | null; setCookie: string | null }> {
  const message = await flashCookie.parse(request.headers.get("Cookie"));
  if (typeof message !== "string" || !message) return { message: null, setCookie: null };
  return { message, setCookie: await flashCookie.serialize("", { maxAge: 0 }) };
}
