import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/session.server";
import { downloadEml } from "~/services/outbox.server";
import { idParam } from "~/ui/table";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:mail-outbox:any");
  const id = idParam(params.id);
  const eml = await downloadEml(user, id);
  if (!eml) throw new Response("Die E-Mail wurde nicht gefunden.", { status: 404 });
  return new Response(new Uint8Array(eml), {
    headers: { "Content-Type": "message/rfc822", "Content-Disposition": `attachment; filename="mail-${id}.eml"`, "Cache-Control": "no-store" },
  });
}
