import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getMeasure } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { MeasureFacts } from "~/ui/measure-facts";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.measure.reference} – Maßnahmen – Trägerportal` : "Maßnahme – Trägerportal" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "propose:measure:own");
  const { measure } = await getMeasure(user, idParam(params.id)).catch(loaderError);
  // The provider sees its entry, not the authority's occupancy or who on the staff decided.
  return json({ measure: { ...measure, createdBy: "", decidedBy: "", proposedBy: "" } });
}

const STATUS_BADGE: Record<string, string> = { active: "ok", proposed: "warn", rejected: "err", closed: "" };

export default function PortalMeasure() {
  const { measure: x } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/portal/measures">« Maßnahmen</Link>
      </p>
      <h1>
        {x.title} <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
      </h1>
      {x.status === "proposed" ? (
        <div className="alert alert-warn" role="status">
          Ihr Vorschlag vom {formatDateTime(x.createdAt)} wird geprüft. Plätze können erst gekauft werden, wenn er angenommen ist.
        </div>
      ) : null}
      {x.status === "rejected" || x.status === "closed" ? (
        <div className="alert alert-warn" role="status">
          {x.status === "rejected" ? "Abgelehnt" : "Aus dem Katalog genommen"}
          {x.decidedAt ? ` am ${formatDateTime(x.decidedAt)}` : ""}: {x.statusReason}
        </div>
      ) : null}
      <MeasureFacts measure={x} staff={false} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
