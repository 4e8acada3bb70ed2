import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { saveSettings, settingsForm } from "~/services/settings-admin.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Einstellungen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:setting:any");
  return json({ settings: await settingsForm() });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:setting:any");
  const values = formObject(await request.formData());
  try {
    const n = await saveSettings(user, values);
    return redirectWithFlash("/admin/settings", n ? `${n} Einstellung${n === 1 ? "" : "en"} gespeichert.` : "Keine Änderungen.");
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Settings() {
  const { settings } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const groups = [...new Set(settings.map((s) => s.group))];
  return (
    <>
      <h1>Einstellungen</h1>
      <p className="muted">Regeln, die das Jobcenter selbst festlegt. Jede Änderung wird protokolliert.</p>
      <Form method="post" className="form" noValidate>
        <FormError message={a?.formError} />
        {groups.map((g) => (
          <fieldset key={g}>
            <legend>{g}</legend>
            <div className="form-grid">
              {settings
                .filter((s) => s.group === g)
                .map((s) => {
                  const id = `s-${s.key}`;
                  const error = a?.fieldErrors?.[s.key];
                  const value = (a?.values?.[s.key] as string | undefined) ?? String(s.value);
                  return (
                    <div key={s.key} className={`field${error ? " field-error" : ""}`}>
                      <label htmlFor={id}>{s.label}</label>
                      {s.type === "text" ? (
                        <textarea id={id} name={s.key} defaultValue={value} rows={3} aria-invalid={error ? true : undefined} />
                      ) : (
                        <input id={id} name={s.key} defaultValue={value} inputMode={s.type === "integer" ? "numeric" : undefined} aria-invalid={error ? true : undefined} />
                      )}
                      {s.help ? <div className="hint">{s.help}</div> : null}
                      <div className="hint">
                        Standard: {String(s.default).replace(/\n/g, ", ")}
                        {s.min !== undefined ? ` · ${s.min} bis ${s.max}` : ""}
                      </div>
                      {error ? <div className="error">{error}</div> : null}
                    </div>
                  );
                })}
            </div>
          </fieldset>
        ))}
        <button type="submit" className="button">
          Einstellungen speichern
        </button>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
