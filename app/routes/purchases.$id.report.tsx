import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useParams } from "@remix-run/react";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { reportFromForm } from "~/services/participation.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ReportRefused } from "~/ui/participation";
import { idParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Teilnahme melden" }];

/** GET: a short page leading back to the purchase (reports are made there); also what a refused report without JavaScript is shown on. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "buy:place:any");
  return json({ id: idParam(params.id) });
}

/** POST intent entry | attendance | exam | exit: a report on the provider's (or the employer's) behalf, back to the purchase with a message. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "buy:place:any");
  const id = idParam(params.id);
  const values = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  try {
    return redirectWithFlash(`/purchases/${id}`, await reportFromForm(user, id, values));
  } catch (error) {
    return actionError(error, values);
  }
}

export default function StaffReportRefused() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  return <ReportRefused data={data} back={`/purchases/${id}`} />;
}

export const ErrorBoundary = GeneralErrorBoundary;
