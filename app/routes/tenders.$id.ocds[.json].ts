import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/session.server";
import { actorOf } from "~/services/auth.server";
import { ocdsReleasePackage, ocdsTenderUrl } from "~/services/ocds.server";
import { idParam } from "~/ui/table";

/** Staff only: the tender as an OCDS 1.1.5 release package (one compiled release), as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:any");
  const id = idParam(params.id);
  const pkg = await ocdsReleasePackage([id], { actor: actorOf(user), uri: ocdsTenderUrl(id) });
  const release = pkg.releases[0];
  if (!release) throw new Response("Die Ausschreibung wurde nicht gefunden.", { status: 404 });
  const filename = `ocds-${release.tender.id.replace(/[^A-Za-z0-9._-]/g, "_")}.json`;
  return new Response(JSON.stringify(pkg, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
