import { json } from "@remix-run/node";
import { databaseKind, ping } from "~/lib/db.server";

/** Liveness and database check, for monitoring. Public, reveals nothing but the store kind. */
export async function loader() {
  const database = databaseKind();
  const ok = await ping();
  return json(ok ? { status: "ok", database } : { status: "unavailable", database }, {
    status: ok ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
