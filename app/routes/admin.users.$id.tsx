import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { getUserForEdit, providerOptions, resetPassword, setUserActive, updateUser } from "~/services/users.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";
import { UserForm } from "~/ui/user-form";

export const meta: MetaFunction = () => [{ title: "Benutzer bearbeiten" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:user:any");
  const user = await getUserForEdit(idParam(params.id)).catch(loaderError);
  return json({ user, providers: await providerOptions(), minPasswordLength: await getSetting("security.minPasswordLength") });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "manage:user:any");
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const { password, ...values } = formObject(form);
  try {
    if (intent === "save") {
      await updateUser(admin, id, values);
      return redirectWithFlash(`/admin/users/${id}`, "Benutzer gespeichert.");
    }
    if (intent === "deactivate" || intent === "reactivate") {
      await setUserActive(admin, id, intent === "reactivate");
      return redirectWithFlash(`/admin/users/${id}`, intent === "reactivate" ? "Benutzer wieder aktiviert." : "Benutzer deaktiviert; seine Sitzungen wurden beendet.");
    }
    if (intent === "reset-password") {
      await resetPassword(admin, id, String(password ?? ""));
      return redirectWithFlash(`/admin/users/${id}`, "Neues Passwort gesetzt; bestehende Sitzungen wurden beendet.");
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function EditUser() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const u = d.user;
  return (
    <>
      <p>
        <Link to="/admin/users">« Benutzer</Link>
      </p>
      <h1>
        {u.name} {u.active ? null : <span className="badge err">deaktiviert</span>}
      </h1>
      <p className="muted">
        Angelegt {formatDateTime(u.createdAt)} · letzte Anmeldung {formatDateTime(u.lastLoginAt)} · Passwort geändert {formatDateTime(u.passwordChangedAt)}
      </p>
      <UserForm
        values={a?.intent === "save" ? a.values : u}
        errors={a?.intent === "save" ? a.fieldErrors : {}}
        formError={a?.intent === "save" ? a.formError : null}
        providers={d.providers}
        withPassword={false}
        submitLabel="Speichern"
        minPasswordLength={d.minPasswordLength}
      />
      <div className="grid">
        <section className="panel" aria-labelledby="h-pw">
          <h2 id="h-pw">Passwort zurücksetzen</h2>
          <Form method="post" noValidate>
            {a?.intent === "reset-password" ? <FormError message={a.formError} /> : null}
            <Field name="password" label="Neues Passwort" type="password" required autoComplete="new-password" hint={`Mindestens ${d.minPasswordLength} Zeichen. Laufende Sitzungen enden.`} error={a?.intent === "reset-password" ? a.fieldErrors.password : undefined} />
            <SubmitButton intent="reset-password">Passwort setzen</SubmitButton>
          </Form>
        </section>
        <section className="panel" aria-labelledby="h-status">
          <h2 id="h-status">Zugang</h2>
          {a && (a.intent === "deactivate" || a.intent === "reactivate") ? <FormError message={a.formError} /> : null}
          <Form method="post">
            {u.active ? (
              <SubmitButton intent="deactivate" danger confirm={`${u.name} wirklich deaktivieren? Die Person wird sofort abgemeldet und kann sich nicht mehr anmelden.`}>
                Benutzer deaktivieren
              </SubmitButton>
            ) : (
              <SubmitButton intent="reactivate">Benutzer wieder aktivieren</SubmitButton>
            )}
          </Form>
        </section>
      </div>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
