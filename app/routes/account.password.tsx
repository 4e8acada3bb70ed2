import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ValidationError } from "~/domain/errors";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { changeOwnPassword } from "~/services/users.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Passwort ändern" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "change:password:own");
  return json({ minPasswordLength: await getSetting("security.minPasswordLength") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "change:password:own");
  const form = await request.formData();
  try {
    await changeOwnPassword(user, String(form.get("current") ?? ""), String(form.get("next") ?? ""), String(form.get("repeat") ?? ""));
    return redirectWithFlash("/", "Ihr Passwort wurde geändert.");
  } catch (error) {
    // The service names the new password "password"; on this form it is the field "next".
    if (error instanceof ValidationError && error.fieldErrors.password) {
      return actionError(new ValidationError(error.message, { next: error.fieldErrors.password }));
    }
    return actionError(error);
  }
}

export default function ChangePassword() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <h1>Passwort ändern</h1>
      <Form method="post" className="form narrow" noValidate>
        <FormError message={a?.formError} />
        <Field name="current" label="Bisheriges Passwort" type="password" required autoComplete="current-password" error={a?.fieldErrors.current} />
        <Field name="next" label="Neues Passwort" type="password" required autoComplete="new-password" hint={`Mindestens ${d.minPasswordLength} Zeichen.`} error={a?.fieldErrors.next} />
        <Field name="repeat" label="Neues Passwort wiederholen" type="password" required autoComplete="new-password" error={a?.fieldErrors.repeat} />
        <button type="submit" className="button">
          Passwort ändern
        </button>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
