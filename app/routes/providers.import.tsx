import { json, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { PROVIDER_CSV_COLUMNS } from "~/domain/provider-csv";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { ImportError, importProvidersCsv, MAX_IMPORT_BYTES } from "~/services/provider-csv.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { expectedPartsHandler } from "~/lib/uploads.server";

export const meta: MetaFunction = () => [{ title: "Träger importieren (CSV)" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "import:provider:any");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "import:provider:any");
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: MAX_IMPORT_BYTES, files: ["file"] }));
  } catch {
    return json({ formError: "Die Datei ist größer als 5 MB oder konnte nicht gelesen werden.", issues: [] as { line: number; column: string; message: string }[] }, { status: 400 });
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return json({ formError: "Bitte wählen Sie eine CSV-Datei aus.", issues: [] }, { status: 400 });
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD")) {
    return json({ formError: "Die Datei ist nicht UTF-8-kodiert. Bitte speichern Sie sie in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“.", issues: [] }, { status: 400 });
  }
  try {
    const r = await importProvidersCsv(user, text, file.name);
    return redirectWithFlash("/providers", `Import abgeschlossen: ${r.created} neu angelegt, ${r.updated} geändert, ${r.unchanged} unverändert.`);
  } catch (error) {
    if (error instanceof ImportError) return json({ formError: error.message, issues: error.issues }, { status: 400 });
    return actionError(error);
  }
}

export default function ImportProviders() {
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const issues = (data && "issues" in data && Array.isArray(data.issues) ? data.issues : []) as { line: number; column: string; message: string }[];
  return (
    <>
      <p>
        <Link to="/providers">« Träger und Vermittler</Link>
      </p>
      <h1>Träger importieren (CSV)</h1>
      <div className="panel">
        <p>
          Die Datei wird zuerst vollständig geprüft. Nur wenn sie fehlerfrei ist, werden alle Zeilen übernommen; sonst wird nichts geändert. Zeilen werden über den externen Schlüssel oder die
          USt-IdNr. bestehenden Trägern zugeordnet, ein erneuter Import derselben Datei ändert also nichts.
        </p>
        <p>
          Format: UTF-8, Trennzeichen Semikolon, erste Zeile mit den Spaltennamen. Die Spalten entsprechen dem CSV-Export der Trägerliste: <span className="muted">{PROVIDER_CSV_COLUMNS.map((c) => c.header).join("; ")}</span>. Pflicht sind „Art“ und „Name“ sowie USt-IdNr. oder externer Schlüssel.
        </p>
      </div>
      {data?.formError ? (
        <div className="alert alert-error" role="alert">
          {data.formError}
        </div>
      ) : null}
      {issues.length ? (
        <table className="data" aria-label="Fehler im Import">
          <thead>
            <tr>
              <th scope="col">Zeile</th>
              <th scope="col">Spalte</th>
              <th scope="col">Fehler</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((i, n) => (
              <tr key={n}>
                <td className="num">{i.line}</td>
                <td>{i.column}</td>
                <td>{i.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="form narrow">
        <div className="field">
          <label htmlFor="file">CSV-Datei</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Wird geprüft …" : "Prüfen und importieren"}
        </button>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
