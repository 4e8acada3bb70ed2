import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { serviceCategoryLabel } from "~/domain/provider";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { addCertification, addContactPerson, getProvider, removeCertification, removeContactPerson, setBankAccount, setProviderActive } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { BankAccountFields, CertificationFields } from "~/ui/provider-form";
import { Field, FormError, RemoveButton, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.provider.name} – Träger` : "Träger" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:provider:any");
  const detail = await getProvider(user, idParam(params.id)).catch(loaderError);
  return json({ ...detail, canEdit: can(user.role, "edit:provider:any"), canAudit: can(user.role, "read:audit:any"), canManageTokens: can(user.role, "manage:api-token:any") });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "edit:provider:any");
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  try {
    switch (intent) {
      case "add-contact":
        await addContactPerson(user, id, values);
        return redirectWithFlash(`/providers/${id}`, "Kontaktperson hinzugefügt.");
      case "remove-contact":
        await removeContactPerson(user, id, Number(values.contactId));
        return redirectWithFlash(`/providers/${id}`, "Kontaktperson entfernt.");
      case "add-certification":
        await addCertification(user, id, values);
        return redirectWithFlash(`/providers/${id}`, "Trägerzulassung erfasst.");
      case "remove-certification":
        await removeCertification(user, id, Number(values.certificationId));
        return redirectWithFlash(`/providers/${id}`, "Trägerzulassung entfernt.");
      case "set-bank-account":
        await setBankAccount(user, id, values);
        return redirectWithFlash(`/providers/${id}`, "Bankverbindung gespeichert.");
      case "deactivate":
      case "reactivate":
        await setProviderActive(user, id, intent === "reactivate");
        return redirectWithFlash(`/providers/${id}`, intent === "reactivate" ? "Träger wieder aktiviert." : "Träger deaktiviert.");
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

const CERT_BADGE: Record<string, string> = { valid: "ok", expiring: "warn", expired: "err", none: "" };

export default function ProviderDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const p = d.provider;
  const errorsFor = (intent: string) => (a && a.intent === intent ? (a.fieldErrors as Record<string, string>) : {});
  const valuesFor = (intent: string) => (a && a.intent === intent ? (a.values as Record<string, string>) : {});
  const currentBank = d.bankAccounts.find((b) => b.current);
  return (
    <>
      <p>
        <Link to="/providers">« Träger und Vermittler</Link>
      </p>
      <h1>
        {p.name} {p.active ? null : <span className="badge">deaktiviert</span>}
      </h1>
      <div className="actions">
        {d.canEdit ? (
          <Link className="button" to={`/providers/${p.id}/edit`}>
            Stammdaten bearbeiten
          </Link>
        ) : null}
        {/* The answer is a PDF: a document navigation, not a client-side one (DESIGN.md § 7). */}
        <Form method="post" action={`/providers/${p.id}/datasheet`} reloadDocument>
          <button type="submit" className="button secondary">
            Stammdatenblatt (PDF)
          </button>
        </Form>
        {d.canManageTokens ? (
          <Link className="button secondary" to={`/admin/tokens?provider=${p.id}`}>
            API-Zugänge
          </Link>
        ) : null}
        {d.canEdit ? (
          <Form method="post">
            {p.active ? (
              <SubmitButton intent="deactivate" danger confirm={`„${p.name}“ wirklich deaktivieren? Der Träger erscheint dann nicht mehr in Auswahllisten.`}>
                Deaktivieren
              </SubmitButton>
            ) : (
              <SubmitButton intent="reactivate">Wieder aktivieren</SubmitButton>
            )}
          </Form>
        ) : null}
      </div>
      {a && a.intent && a.formError && !Object.keys(a.fieldErrors ?? {}).length ? <FormError message={a.formError} /> : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-master">
          <h2 id="h-master">Stammdaten</h2>
          <dl className="facts">
            <dt>Art</dt>
            <dd>{d.kindLabel}</dd>
            <dt>Rechtsform</dt>
            <dd>{p.legalForm || "–"}</dd>
            <dt>Anschrift</dt>
            <dd>
              {p.street}
              <br />
              {p.postalCode} {p.city}
            </dd>
            <dt>Region</dt>
            <dd>{p.region || "–"}</dd>
            <dt>USt-IdNr.</dt>
            <dd>{p.vatId ?? "–"}</dd>
            <dt>Externer Schlüssel</dt>
            <dd>{p.externalKey ?? "–"}</dd>
            <dt>E-Mail</dt>
            <dd>{p.email || "–"}</dd>
            <dt>Telefon</dt>
            <dd>{p.phone || "–"}</dd>
            <dt>Leistungsbereiche</dt>
            <dd>{p.serviceCategories.map(serviceCategoryLabel).join(", ") || "–"}</dd>
            {p.kind === "broker" ? (
              <>
                <dt>Gewerbeanzeige</dt>
                <dd>{p.tradeRegistrationDate ? `vom ${formatDate(p.tradeRegistrationDate)}` : "nicht erfasst"}</dd>
              </>
            ) : null}
            <dt>Zuletzt geändert</dt>
            <dd>{formatDateTime(p.updatedAt)}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-bank">
          <h2 id="h-bank">Bankverbindung</h2>
          {currentBank ? (
            <dl className="facts">
              <dt>IBAN</dt>
              <dd className="mono">{currentBank.ibanFormatted}</dd>
              <dt>BIC</dt>
              <dd>{currentBank.bic ?? "–"}</dd>
              <dt>Kontoinhaber</dt>
              <dd>{currentBank.holder}</dd>
              <dt>Geändert von</dt>
              <dd>
                {currentBank.changedByName} am {formatDateTime(currentBank.changedAt)}
                {currentBank.requestedByName ? ` (beantragt von ${currentBank.requestedByName})` : ""}
              </dd>
            </dl>
          ) : (
            <p className="muted">Keine Bankverbindung erfasst.</p>
          )}
          {d.canEdit ? (
            <details open={a?.intent === "set-bank-account"}>
              <summary>Bankverbindung ändern</summary>
              <Form method="post" className="form" noValidate>
                <input type="hidden" name="intent" value="set-bank-account" />
                <BankAccountFields values={valuesFor("set-bank-account")} errors={errorsFor("set-bank-account")} defaultHolder={p.name} />
                <button type="submit" className="button">
                  Bankverbindung speichern
                </button>
              </Form>
            </details>
          ) : null}
          {d.bankAccounts.length > 1 ? (
            <>
              <h3>Frühere Bankverbindungen</h3>
              <ul>
                {d.bankAccounts
                  .filter((b) => !b.current)
                  .map((b) => (
                    <li key={b.id}>
                      <span className="mono">{b.ibanFormatted}</span> · erfasst am {formatDateTime(b.changedAt)} von {b.changedByName}
                    </li>
                  ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
      <section className="panel" aria-labelledby="h-cert">
        <h2 id="h-cert">
          Trägerzulassung (AZAV) <span className={`badge ${CERT_BADGE[d.certState]}`}>{d.certStateLabel}</span>
        </h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Fachkundige Stelle</th>
              <th scope="col">Zertifikat</th>
              <th scope="col">gültig ab</th>
              <th scope="col">gültig bis</th>
              <th scope="col">Geltungsbereich</th>
              <th scope="col">erfasst von</th>
              {d.canEdit ? <th scope="col">Aktion</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.certifications.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  Keine Zulassung erfasst.
                </td>
              </tr>
            ) : null}
            {d.certifications.map((c) => (
              <tr key={c.id}>
                <td>{c.certifyingBody}</td>
                <td>{c.certificateNumber}</td>
                <td>{formatDate(c.validFrom)}</td>
                <td>{formatDate(c.validUntil)}</td>
                <td>{c.scope}</td>
                <td>{c.changedByName}</td>
                {d.canEdit ? (
                  <td>
                    <RemoveButton intent="remove-certification" field="certificationId" value={c.id} confirm="Diese Zulassung wirklich entfernen?" />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {d.canEdit ? (
          <details open={a?.intent === "add-certification"}>
            <summary>Zulassung erfassen</summary>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="add-certification" />
              <CertificationFields values={valuesFor("add-certification")} errors={errorsFor("add-certification")} />
              <button type="submit" className="button">
                Zulassung speichern
              </button>
            </Form>
          </details>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="h-contacts">
        <h2 id="h-contacts">Kontaktpersonen</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Funktion</th>
              <th scope="col">E-Mail</th>
              <th scope="col">Telefon</th>
              {d.canEdit ? <th scope="col">Aktion</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.contacts.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Keine Kontaktperson erfasst.
                </td>
              </tr>
            ) : null}
            {d.contacts.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.role}</td>
                <td>{c.email}</td>
                <td>{c.phone}</td>
                {d.canEdit ? (
                  <td>
                    <RemoveButton intent="remove-contact" field="contactId" value={c.id} confirm={`Kontaktperson „${c.name}“ entfernen?`} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {d.canEdit ? (
          <details open={a?.intent === "add-contact"}>
            <summary>Kontaktperson hinzufügen</summary>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="add-contact" />
              <div className="form-grid">
                <Field name="name" label="Name" required defaultValue={valuesFor("add-contact").name} error={errorsFor("add-contact").name} />
                <Field name="role" label="Funktion" defaultValue={valuesFor("add-contact").role} error={errorsFor("add-contact").role} />
                <Field name="email" label="E-Mail" type="email" defaultValue={valuesFor("add-contact").email} error={errorsFor("add-contact").email} />
                <Field name="phone" label="Telefon" defaultValue={valuesFor("add-contact").phone} error={errorsFor("add-contact").phone} />
              </div>
              <button type="submit" className="button">
                Kontaktperson speichern
              </button>
            </Form>
          </details>
        ) : null}
      </section>
      {d.requests.length ? (
        <section className="panel" aria-labelledby="h-requests">
          <h2 id="h-requests">Änderungsanträge aus dem Portal</h2>
          <ul>
            {d.requests.map((r) => (
              <li key={r.id}>
                {formatDateTime(r.requestedAt)} · {r.kind === "bank_account" ? "Bankverbindung" : "Trägerzulassung"} · beantragt von {r.requestedByName} ·{" "}
                <span className={`badge ${r.status === "approved" ? "ok" : r.status === "rejected" ? "err" : "warn"}`}>{r.status === "pending" ? "offen" : r.status === "approved" ? `bestätigt von ${r.decidedByName}` : `abgelehnt von ${r.decidedByName}`}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {d.canAudit ? (
        <p>
          <Link to={`/audit?entityType=provider&entityId=${p.id}`}>Änderungsprotokoll dieses Trägers</Link>
        </p>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
