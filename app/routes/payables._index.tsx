import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/session.server";

/** The former list of payable instalments lives on as the payment items (/payments); old links and bookmarks still arrive. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:payable:any");
  const params = new URL(request.url).searchParams;
  const status = params.get("status");
  const next = new URLSearchParams();
  if (status === "open") next.set("status", "open");
  else if (status === "paid" || status === "cancelled") next.set("status", status);
  const q = params.get("q");
  if (q) next.set("q", q);
  return redirect(`/payments${next.toString() ? `?${next}` : ""}`);
}
