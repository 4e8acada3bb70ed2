import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { readUploadForm } from "~/lib/uploads.server";
import { importBankStatement, listStatements, STATEMENT_MAX_BYTES } from "~/services/payment-runs.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Kontoauszüge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return json({ statements: await listStatements(user), mayBook: can(user.role, "book:payment:any"), maxMb: STATEMENT_MAX_BYTES / 1024 / 1024 });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "book:payment:any");
  const read = await readUploadForm(request, { maxBytes: STATEMENT_MAX_BYTES, files: ["file"] });
  try {
    if (read.uploadError) throw read.uploadError;
    const file = read.form.get("file");
    const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
    const r = await importBankStatement(user, { filename: file instanceof File ? file.name : "", bytes });
    return redirectWithFlash(
      `/finance/statements/${r.id}`,
      `Kontoauszug (${r.kind}) eingelesen: ${r.entries} Umsätze, ${r.booked.length} Zahlungen als ausgezahlt gebucht${r.unmatched ? `, ${r.unmatched} Umsätze offen – bitte unten zuordnen` : ""}.`,
    );
  } catch (error) {
    return actionError(error, read.values);
  }
}

export default function Statements() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const fe = (a?.fieldErrors ?? {}) as Record<string, string>;
  return (
    <>
      <h1>Kontoauszüge</h1>
      <p className="muted">
        Kontoauszüge (camt.053) und Buchungsavise (camt.054) des Auszahlungskontos. Belastungen werden über die End-to-End-ID den Zahlungen im <Link to="/finance/runs">Zahllauf</Link> zugeordnet und bei gleichem Betrag als
        ausgezahlt gebucht; was nicht passt, bleibt zur Zuordnung von Hand offen. Dieselbe Datei wird nur einmal eingelesen.
      </p>
      {d.mayBook ? (
        <section className="panel" aria-labelledby="h-upload">
          <h2 id="h-upload">Kontoauszug einlesen</h2>
          <FormError message={a?.formError} />
          <Form method="post" encType="multipart/form-data">
            <div className={`field${fe.file ? " field-error" : ""}`}>
              <label htmlFor="st-file">Datei (camt.053 oder camt.054, XML, höchstens {d.maxMb} MB)</label>
              <input id="st-file" type="file" name="file" accept=".xml,application/xml,text/xml" required aria-invalid={fe.file ? true : undefined} aria-describedby={fe.file ? "st-file-error" : undefined} />
              {fe.file ? (
                <div className="error" id="st-file-error">
                  {fe.file}
                </div>
              ) : null}
            </div>
            <SubmitButton>Einlesen und buchen</SubmitButton>
          </Form>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="h-list">
        <h2 id="h-list">Eingelesene Kontoauszüge</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Eingelesen</th>
              <th scope="col">Art</th>
              <th scope="col">Nachrichtenreferenz</th>
              <th scope="col" className="num">
                Umsätze
              </th>
              <th scope="col" className="num">
                gebucht
              </th>
              <th scope="col" className="num">
                offen
              </th>
              <th scope="col">von</th>
            </tr>
          </thead>
          <tbody>
            {d.statements.length ? (
              d.statements.map((s) => (
                <tr key={s.id}>
                  <td className="nowrap">
                    <Link to={`/finance/statements/${s.id}`}>{formatDateTime(s.importedAt)}</Link>
                  </td>
                  <td>{s.kind}</td>
                  <td className="mono">{s.messageId}</td>
                  <td className="num">{s.entryCount}</td>
                  <td className="num">{s.matchedCount}</td>
                  <td className="num">{s.openCount ? <span className="badge warn">{s.openCount}</span> : 0}</td>
                  <td>{s.importedBy}</td>
                </tr>
              ))
            ) : (
              <tr>
                <td colSpan={7} className="muted empty">
                  Noch keine Kontoauszüge eingelesen.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
