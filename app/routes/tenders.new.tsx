import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createTender } from "~/services/tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { TenderForm } from "~/ui/tender-form";

export const meta: MetaFunction = () => [{ title: "Ausschreibung anlegen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:tender:any");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:tender:any");
  const values = formObject(await request.formData());
  try {
    const tender = await createTender(user, values);
    return redirectWithFlash(`/tenders/${tender.id}`, `Ausschreibung ${tender.reference} angelegt. Legen Sie jetzt Lose, Zuschlagskriterien und Fristen fest.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function NewTender() {
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/tenders">« Ausschreibungen</Link>
      </p>
      <h1>Ausschreibung anlegen</h1>
      <TenderForm values={a?.values ?? { measureType: "bae", procedureType: "open" }} errors={a?.fieldErrors ?? {}} formError={a?.formError} submitLabel="Entwurf anlegen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
