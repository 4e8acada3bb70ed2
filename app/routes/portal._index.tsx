import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { serviceCategoryLabel } from "~/domain/provider";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getProvider, requestChange, updateOwnContactData } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { BankAccountFields, CertificationFields } from "~/ui/provider-form";
import { Field, FormError } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Meine Organisation" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:provider:own");
  if (!user.providerId) throw new Response("Ihrem Zugang ist keine Organisation zugeordnet.", { status: 404 });
  return json(await getProvider(user, user.providerId).catch(loaderError));
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, intent === "contact" ? "edit:provider-contact:own" : "request:provider-change:own");
  try {
    if (intent === "contact") {
      await updateOwnContactData(user, values);
      return redirectWithFlash("/portal", "Kontaktdaten gespeichert.");
    }
    if (intent === "bank_account" || intent === "certification") {
      await requestChange(user, intent, values);
      return redirectWithFlash("/portal", "Ihr Änderungsantrag wurde übermittelt. Die Angaben werden wirksam, sobald das Jobcenter sie bestätigt hat.");
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function Portal() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const p = d.provider;
  const err = (intent: string) => (a?.intent === intent ? (a.fieldErrors as Record<string, string>) : {});
  const val = (intent: string) => (a?.intent === intent ? (a.values as Record<string, string>) : {});
  const bank = d.bankAccounts.find((b) => b.current);
  const pending = d.requests.filter((r) => r.status === "pending");
  return (
    <>
      <h1>{p.name}</h1>
      <p className="muted">
        {d.kindLabel} · Leistungsbereiche: {p.serviceCategories.map(serviceCategoryLabel).join(", ") || "–"}
      </p>
      {pending.length ? (
        <div className="alert alert-warn" role="status">
          {pending.length} Änderungsantrag{pending.length === 1 ? "" : "e"} wartet auf Bestätigung durch das Jobcenter.
        </div>
      ) : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-contact">
          <h2 id="h-contact">Anschrift und Kontakt</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="contact" />
            {a?.intent === "contact" ? <FormError message={a.formError} /> : null}
            <Field name="street" label="Straße und Hausnummer" defaultValue={val("contact").street ?? p.street} error={err("contact").street} />
            <Field name="postalCode" label="PLZ" defaultValue={val("contact").postalCode ?? p.postalCode} error={err("contact").postalCode} />
            <Field name="city" label="Ort" defaultValue={val("contact").city ?? p.city} error={err("contact").city} />
            <Field name="email" label="E-Mail" type="email" defaultValue={val("contact").email ?? p.email} error={err("contact").email} />
            <Field name="phone" label="Telefon" defaultValue={val("contact").phone ?? p.phone} error={err("contact").phone} />
            <button type="submit" className="button">
              Kontaktdaten speichern
            </button>
          </Form>
        </section>
        <section className="panel" aria-labelledby="h-bank">
          <h2 id="h-bank">Bankverbindung</h2>
          {bank ? (
            <dl className="facts">
              <dt>IBAN</dt>
              <dd className="mono">{bank.ibanFormatted}</dd>
              <dt>Kontoinhaber</dt>
              <dd>{bank.holder}</dd>
              <dt>Stand</dt>
              <dd>{formatDateTime(bank.changedAt)}</dd>
            </dl>
          ) : (
            <p className="muted">Keine Bankverbindung hinterlegt.</p>
          )}
          <details open={a?.intent === "bank_account"}>
            <summary>Änderung beantragen</summary>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="bank_account" />
              {a?.intent === "bank_account" ? <FormError message={a.formError} /> : null}
              <BankAccountFields values={val("bank_account")} errors={err("bank_account")} defaultHolder={p.name} />
              <button type="submit" className="button">
                Änderung beantragen
              </button>
            </Form>
          </details>
        </section>
      </div>
      <section className="panel" aria-labelledby="h-cert">
        <h2 id="h-cert">Trägerzulassung (AZAV)</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Fachkundige Stelle</th>
              <th scope="col">Zertifikat</th>
              <th scope="col">gültig ab</th>
              <th scope="col">gültig bis</th>
            </tr>
          </thead>
          <tbody>
            {d.certifications.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  Keine Zulassung hinterlegt.
                </td>
              </tr>
            ) : null}
            {d.certifications.map((c) => (
              <tr key={c.id}>
                <td>{c.certifyingBody}</td>
                <td>{c.certificateNumber}</td>
                <td>{formatDate(c.validFrom)}</td>
                <td>{formatDate(c.validUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <details open={a?.intent === "certification"}>
          <summary>Neue Zulassung melden</summary>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="certification" />
            {a?.intent === "certification" ? <FormError message={a.formError} /> : null}
            <CertificationFields values={val("certification")} errors={err("certification")} />
            <button type="submit" className="button">
              Zur Bestätigung einreichen
            </button>
          </Form>
        </details>
      </section>
      <section className="panel" aria-labelledby="h-contacts">
        <h2 id="h-contacts">Kontaktpersonen beim Jobcenter hinterlegt</h2>
        <ul>
          {d.contacts.map((c) => (
            <li key={c.id}>
              {c.name} {c.role ? `(${c.role})` : ""} {c.email}
            </li>
          ))}
        </ul>
        <Form method="post" action={`/providers/${p.id}/datasheet`} reloadDocument>
          <button type="submit" className="button secondary">
            Stammdatenblatt (PDF)
          </button>
        </Form>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
