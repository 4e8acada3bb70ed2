import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useParams } from "@remix-run/react";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { recordOutcomeFromForm } from "~/services/participation.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ReportRefused } from "~/ui/participation";
import { idParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Verbleib erfassen" }];

/** GET: a short page leading back to the purchase (reports are made there); also what a refused report without JavaScript is shown on. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "record:outcome:any");
  return json({ id: idParam(params.id) });
}

/** POST: the outcome at a checkpoint (exit | six_months), back to the purchase with a message. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "record:outcome:any");
  const id = idParam(params.id);
  const values = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  try {
    return redirectWithFlash(`/purchases/${id}`, await recordOutcomeFromForm(user, id, values));
  } catch (error) {
    return actionError(error, values);
  }
}

export default function OutcomeRefused() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  return <ReportRefused data={data} back={`/purchases/${id}`} />;
}

export const ErrorBoundary = GeneralErrorBoundary;
