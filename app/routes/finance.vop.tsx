import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { decodeCsvBytes } from "~/domain/csv";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { formatDate } from "~/domain/time";
import { VOP_LABELS, VOP_RESULTS, vopBlocks } from "~/domain/vop";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { readUploadForm } from "~/lib/uploads.server";
import { importVopFile, recordVop } from "~/services/payment-items.server";
import { vopWork } from "~/services/payment-runs.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Empfängerüberprüfung" }];

const VOP_FILE_BYTES = 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return json({ ...(await vopWork(user)), mayRecord: can(user.role, "run:payment:any") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "run:payment:any");
  const read = await readUploadForm(request, { maxBytes: VOP_FILE_BYTES, files: ["file"] });
  const form = read.form;
  const intent = String(form.get("intent") ?? "");
  try {
    if (read.uploadError) throw read.uploadError;
    if (intent === "upload") {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return json({ ok: false as const, formError: "Bitte wählen Sie die Ergebnisdatei der Bank (CSV).", fieldErrors: { file: "Bitte wählen Sie eine Datei." } as Record<string, string>, values: read.values, issues: null }, { status: 400 });
      const decoded = decodeCsvBytes(new Uint8Array(await file.arrayBuffer()));
      if ("error" in decoded) return json({ ok: false as const, formError: decoded.error, fieldErrors: { file: decoded.error } as Record<string, string>, values: read.values, issues: null }, { status: 400 });
      const r = await importVopFile(user, decoded.text);
      return json({ ok: true as const, message: `${r.matched} Zahlung(en) mit Ergebnis aus der Datei versehen.`, unmatched: r.unmatched, errors: r.errors });
    }
    if (intent === "record") {
      const ids = form.getAll("id").map(Number).filter((n) => Number.isInteger(n) && n > 0);
      if (!ids.length) return json({ ok: false as const, formError: "Bitte wählen Sie mindestens eine Zahlung.", fieldErrors: {} as Record<string, string>, values: read.values, issues: null }, { status: 400 });
      const result = String(form.get("result") ?? "");
      const n = await recordVop(user, ids, result, String(form.get("suggestedName") ?? "").trim());
      const block = (VOP_RESULTS as readonly string[]).includes(result) ? vopBlocks(result as never) : null;
      return json({ ok: true as const, message: `Ergebnis „${VOP_LABELS[result as keyof typeof VOP_LABELS]}“ für ${n} Zahlung(en) erfasst.${block ? ` ${block}` : ""}`, unmatched: [] as string[], errors: [] as { line: number; message: string }[] });
    }
    return json({ ok: false as const, formError: "Unbekannte Aktion.", fieldErrors: {} as Record<string, string>, values: read.values, issues: null }, { status: 400 });
  } catch (error) {
    return actionError(error, read.values);
  }
}

export default function Vop() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const fe = (a && !a.ok ? a.fieldErrors : {}) as Record<string, string>;
  return (
    <>
      <p>
        <Link to="/finance/runs">← Zahlläufe</Link>
      </p>
      <h1>Empfängerüberprüfung (Verification of Payee)</h1>
      <p className="muted">
        Vor dem Zahllauf prüft die Bank, ob Name und IBAN des Zahlungsempfängers zusammenpassen. Erfassen Sie das Ergebnis je Zahlung oder laden Sie die Ergebnisdatei des Bankportals hoch. Ohne Ergebnis oder bei „keine
        Übereinstimmung“ kommt eine Zahlung nicht in den Zahllauf. Angezeigt werden offene Zahlungen ohne Ergebnis, mit teilweiser oder ohne Übereinstimmung, nach IBAN gruppiert.
      </p>
      {a && a.ok ? (
        <div className={`flash${a.unmatched.length || a.errors.length ? " warn" : ""}`} role="status">
          <p>{a.message}</p>
          {a.unmatched.length ? <p>Ohne offene Zahlung: {a.unmatched.join(", ")}</p> : null}
          {a.errors.length ? (
            <ul>
              {a.errors.map((e) => (
                <li key={e.line}>
                  Zeile {e.line}: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {a && !a.ok ? <FormError message={a.formError} /> : null}
      {d.mayRecord ? (
        <section className="panel" aria-labelledby="h-upload">
          <h2 id="h-upload">Ergebnisdatei hochladen</h2>
          <Form method="post" encType="multipart/form-data">
            <div className={`field${fe.file ? " field-error" : ""}`}>
              <label htmlFor="vop-file">Datei (CSV: IBAN;Name;Ergebnis;Vorgeschlagener Name)</label>
              <input id="vop-file" type="file" name="file" accept=".csv,text/csv" aria-invalid={fe.file ? true : undefined} />
              {fe.file ? <div className="error">{fe.file}</div> : null}
            </div>
            <SubmitButton intent="upload">Ergebnisse einlesen</SubmitButton>
          </Form>
        </section>
      ) : null}
      <Form method="post" id="vop-form">
        {d.mayRecord && d.count ? (
          <fieldset className="bulk">
            <legend>Ergebnis für die ausgewählten Zahlungen erfassen</legend>
            <Select name="result" label="Ergebnis" options={[{ value: "", label: "– bitte wählen –" }, ...VOP_RESULTS.map((r) => ({ value: r, label: VOP_LABELS[r] }))]} error={fe.result} required />
            <Field name="suggestedName" label="Von der Bank genannter Name (bei teilweiser Übereinstimmung)" />
            <SubmitButton intent="record">Ergebnis erfassen</SubmitButton>
          </fieldset>
        ) : null}
        {d.groups.length ? (
          d.groups.map((g) => (
            <section className="panel" key={g.iban} aria-label={`IBAN ${g.ibanFormatted}`}>
              <h2 className="mono">{g.ibanFormatted}</h2>
              <p className="muted">{g.payeeNames.join(" · ")}</p>
              <table className="data">
                <thead>
                  <tr>
                    {d.mayRecord ? (
                      <th scope="col">
                        <span className="sr-only">Auswahl</span>
                      </th>
                    ) : null}
                    <th scope="col">Zahlung</th>
                    <th scope="col">Zahlungsempfänger</th>
                    <th scope="col" className="num">
                      Betrag
                    </th>
                    <th scope="col">fällig</th>
                    <th scope="col">Status</th>
                    <th scope="col">Empfängerüberprüfung</th>
                  </tr>
                </thead>
                <tbody>
                  {g.items.map((i) => (
                    <tr key={i.id}>
                      {d.mayRecord ? (
                        <td>
                          <input type="checkbox" name="id" value={i.id} aria-label={`Zahlung ${i.reference} auswählen`} />
                        </td>
                      ) : null}
                      <td className="mono nowrap">{i.reference}</td>
                      <td>{i.payeeName}</td>
                      <td className="num nowrap">{formatCents(i.amountCents)}</td>
                      <td className="nowrap">{formatDate(i.dueOn)}</td>
                      <td>{i.statusLabel}</td>
                      <td>
                        {i.vopLabel ? <span className={`badge ${i.vopResult === "no_match" ? "err" : "warn"}`}>{i.vopLabel}</span> : <span className="muted">noch kein Ergebnis</span>}
                        {i.vopMessage ? <div className="hint">{i.vopMessage}</div> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))
        ) : (
          <p className="muted empty">Keine offenen Zahlungen ohne Ergebnis der Empfängerüberprüfung.</p>
        )}
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
