import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { budgetDetail, createManualCommitment, idOf, releaseCommitment, setBudgetLineActive, setBudgetYear } from "~/services/budget.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Haushaltsstelle ${data.line.number} – ${data.year}` : "Haushaltsstelle" }];

function paramsOf(params: { lineId?: string; year?: string }) {
  const lineId = idOf(params.lineId);
  const year = Number(params.year);
  if (!lineId || !Number.isInteger(year) || year < 2000 || year > 2100) throw new Response("Die Haushaltsstelle oder das Haushaltsjahr wurde nicht gefunden.", { status: 404 });
  return { lineId, year };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const { lineId, year } = paramsOf(params);
  try {
    return json({ ...(await budgetDetail(user, lineId, year)), canManage: can(user.role, "manage:budget:any") });
  } catch (error) {
    loaderError(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:budget:any");
  const { lineId, year } = paramsOf(params);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const here = `/finance/budget/${lineId}/${year}`;
  try {
    switch (intent) {
      case "year":
        await setBudgetYear(user, lineId, { year, appropriation: values.appropriation, authorisation: values.authorisation });
        return redirectWithFlash(here, `Ansatz und VE für ${year} gespeichert.`);
      case "commit": {
        const [c] = await createManualCommitment(user, { budgetLineId: lineId, year, amount: values.amount, description: values.description });
        return redirectWithFlash(`${here}#bindungen`, `Mittelbindung ${c.reference} über ${formatCents(c.amountCents)} angelegt.`);
      }
      case "release": {
        const rest = await releaseCommitment(user, Number(values.commitmentId), values.reason ?? "", { budgetLineId: lineId, year });
        return redirectWithFlash(`${here}#bindungen`, `Restmittel über ${formatCents(rest)} freigegeben.`);
      }
      case "lock":
      case "unlock":
        await setBudgetLineActive(user, lineId, intent === "unlock");
        return redirectWithFlash(here, intent === "lock" ? "Die Haushaltsstelle ist gesperrt: neue Mittelbindungen werden abgelehnt." : "Die Haushaltsstelle ist wieder freigegeben.");
      default:
        return json({ ok: false as const, formError: "Unbekannte Aktion.", fieldErrors: {} as Record<string, string>, values, issues: null, intent }, { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ ...(await failure.json()), intent }, { status: failure.status });
  }
}

const pct = (v: number) => `${v.toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
const euroInput = (cents: number | null | undefined) => (cents ? formatCents(cents).replace(/\s*€$/, "").trim() : "");

export default function BudgetLineYear() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const f = d.figures;
  const errorFor = (intent: string) => (a && !a.ok && a.intent === intent ? a : null);
  const yearErr = errorFor("year");
  const commitErr = errorFor("commit");
  const releaseErr = errorFor("release");
  const lockErr = errorFor("lock") ?? errorFor("unlock");
  const base = `/finance/budget/${d.line.id}`;
  return (
    <>
      <p>
        <Link to={`/finance/budget?year=${d.year}`}>« Haushalt {d.year}</Link>
      </p>
      <h1>
        Haushaltsstelle <span className="mono">{d.line.number}</span> – Haushaltsjahr {d.year}
      </h1>
      <p>
        {d.line.title} {d.line.active ? <span className="badge ok">freigegeben</span> : <span className="badge err">gesperrt</span>}
      </p>
      <nav aria-label="Haushaltsjahre" className="actions">
        <Link to={`${base}/${d.year - 1}`}>« {d.year - 1}</Link>
        <Link to={`${base}/${d.year + 1}`}>{d.year + 1} »</Link>
        <a href={`${base}/${d.year}/export.csv`}>Mittelbindungen und Zahlungen als CSV exportieren</a>
      </nav>
      {f.over ? (
        <div className="alert alert-error" role="alert">
          Überschritten: gebunden und ohne Bindung gezahlt {formatCents(f.committedCents + f.uncoveredCents)} bei {f.limitKind === "authorisation" ? "einer VE" : "einem Ansatz"} von {formatCents(f.limitCents)} ({pct(f.usedPercent)}
          ). Neue Mittelbindungen werden abgelehnt.
        </div>
      ) : null}
      <div className="cards">
        <div className="card">
          <div className="muted">{f.limitKind === "authorisation" ? "VE (kein Ansatz beschlossen)" : "Ansatz"}</div>
          <div className="value">{formatCents(f.limitCents)}</div>
          {f.limitKind === "appropriation" && f.authorisationCents ? <div className="muted">VE {formatCents(f.authorisationCents)}</div> : null}
        </div>
        <div className="card">
          <div className="muted">gebunden</div>
          <div className="value">
            <a href="#bindungen">{formatCents(f.committedCents)}</a>
          </div>
          <div className="muted">davon noch nicht gezahlt {formatCents(f.openCommittedCents)}</div>
        </div>
        <div className="card">
          <div className="muted">gezahlt</div>
          <div className="value">
            <a href="#zahlungen">{formatCents(f.paidCents)}</a>
          </div>
          <div className="muted">davon ohne Mittelbindung {formatCents(f.uncoveredCents)}</div>
        </div>
        <div className={`card${f.availableCents < 0 || f.over ? " warn" : ""}`}>
          <div className="muted">verfügbar</div>
          <div className="value">{formatCents(f.availableCents)}</div>
          <div className="muted">ausgeschöpft {f.limitCents ? pct(f.usedPercent) : "–"}</div>
        </div>
      </div>

      <h2 id="bindungen">Mittelbindungen ({d.commitments.length})</h2>
      {releaseErr ? <FormError message={releaseErr.formError} /> : null}
      <table className="data">
        <caption className="sr-only">Mittelbindungen auf {d.line.number} im Haushaltsjahr {d.year}</caption>
        <thead>
          <tr>
            <th scope="col">Mittelbindung</th>
            <th scope="col">Herkunft</th>
            <th scope="col" className="num">
              Betrag
            </th>
            <th scope="col" className="num">
              verbraucht
            </th>
            <th scope="col" className="num">
              freigegeben
            </th>
            <th scope="col" className="num">
              Rest
            </th>
            <th scope="col">Status</th>
            {d.canManage ? <th scope="col">Restmittel freigeben</th> : null}
          </tr>
        </thead>
        <tbody>
          {d.commitments.length === 0 ? (
            <tr>
              <td colSpan={d.canManage ? 8 : 7} className="muted empty">
                Keine Mittelbindungen in diesem Jahr.
              </td>
            </tr>
          ) : null}
          {d.commitments.map((c) => (
            <tr key={c.id}>
              <td className="nowrap">
                <span className="mono">{c.reference}</span>
                <div className="muted small">{formatDateTime(c.createdAt)}</div>
              </td>
              <td>
                {c.sourceHref ? <Link to={c.sourceHref}>{c.sourceText}</Link> : c.sourceText}
                <div className="muted small">{c.description}</div>
              </td>
              <td className="num nowrap">{formatCents(c.amountCents)}</td>
              <td className="num nowrap">{formatCents(c.consumedCents)}</td>
              <td className="num nowrap">{formatCents(c.releasedCents)}</td>
              <td className="num nowrap">
                <strong>{formatCents(c.restCents)}</strong>
              </td>
              <td>
                <span className={`badge ${c.status === "open" ? "warn" : ""}`}>{c.statusLabel}</span>
                {c.closeReason ? <div className="muted small">{c.closeReason}</div> : null}
              </td>
              {d.canManage ? (
                <td>
                  {c.status === "open" ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="commitmentId" value={c.id} />
                      <Field
                        name="reason"
                        label="Grund"
                        idPrefix={`release-${c.id}`}
                        defaultValue={releaseErr && releaseErr.values?.commitmentId === String(c.id) ? (releaseErr.values?.reason as string) : undefined}
                        error={releaseErr && releaseErr.values?.commitmentId === String(c.id) ? releaseErr.fieldErrors?.reason : undefined}
                      />
                      <SubmitButton intent="release" danger confirm={`Restmittel von ${formatCents(c.restCents)} der Mittelbindung ${c.reference} freigeben? Die Mittelbindung wird abgeschlossen; das lässt sich nicht rückgängig machen.`}>
                        Rest freigeben<span className="sr-only"> ({c.reference})</span>
                      </SubmitButton>
                    </Form>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="zahlungen">Zahlungen ({d.payments.length})</h2>
      <table className="data">
        <caption className="sr-only">Gezahlte Beträge aus {d.line.number} im Haushaltsjahr {d.year}</caption>
        <thead>
          <tr>
            <th scope="col">Zahlung</th>
            <th scope="col">gezahlt am</th>
            <th scope="col">Zahlungsempfänger</th>
            <th scope="col">Verwendungszweck</th>
            <th scope="col" className="num">
              Betrag
            </th>
            <th scope="col">Mittelbindung</th>
          </tr>
        </thead>
        <tbody>
          {d.payments.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted empty">
                Keine Zahlungen in diesem Jahr.
              </td>
            </tr>
          ) : null}
          {d.payments.map((p) => (
            <tr key={p.id}>
              <td className="nowrap">
                <Link to={`/payments/${p.id}`}>{p.reference}</Link>
              </td>
              <td className="nowrap">{formatDate(p.paidOn)}</td>
              <td>{p.payeeName}</td>
              <td>{p.purpose}</td>
              <td className="num nowrap">{formatCents(p.amountCents)}</td>
              <td className="nowrap">{p.commitmentReference ? <span className="mono">{p.commitmentReference}</span> : <span className="badge warn">ohne Mittelbindung</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {d.canManage ? (
        <>
          <h2 id="verwalten">Haushaltsstelle verwalten</h2>
          <div className="grid">
            <Form method="post" className="form" noValidate key={`year-${d.budgetYear?.updatedAt ?? ""}`}>
              <h3>Ansatz und VE {d.year}</h3>
              <FormError message={yearErr?.formError} />
              <Field
                name="appropriation"
                label="Ansatz in Euro"
                inputMode="decimal"
                idPrefix="year"
                hint="Beschlossener Haushaltsansatz; 0, solange der Haushalt nicht beschlossen ist."
                defaultValue={yearErr ? (yearErr.values?.appropriation as string) : euroInput(d.budgetYear?.appropriationCents)}
                error={yearErr?.fieldErrors?.appropriation}
              />
              <Field
                name="authorisation"
                label="Verpflichtungsermächtigung (VE) in Euro"
                inputMode="decimal"
                idPrefix="year"
                hint="Gilt, solange kein Ansatz beschlossen ist."
                defaultValue={yearErr ? (yearErr.values?.authorisation as string) : euroInput(d.budgetYear?.authorisationCents)}
                error={yearErr?.fieldErrors?.authorisation}
              />
              <SubmitButton intent="year">Speichern</SubmitButton>
            </Form>
            <Form method="post" className="form" noValidate key={`commit-${d.commitments.length}`}>
              <h3>Mittel von Hand binden ({d.year})</h3>
              <p className="muted small">Für Aufträge außerhalb dieses Systems. Die Bindung wird abgelehnt, wenn nicht genug Mittel verfügbar sind.</p>
              <FormError message={commitErr?.formError} />
              <Field name="amount" label="Betrag in Euro" inputMode="decimal" required idPrefix="commit" defaultValue={commitErr?.values?.amount as string | undefined} error={commitErr?.fieldErrors?.amount} />
              <Field name="description" label="Wofür" required idPrefix="commit" defaultValue={commitErr?.values?.description as string | undefined} error={commitErr?.fieldErrors?.description} />
              <SubmitButton intent="commit">Mittel binden</SubmitButton>
            </Form>
            <Form method="post" className="form">
              <h3>Sperre</h3>
              <FormError message={lockErr?.formError} />
              {d.line.active ? (
                <>
                  <p className="muted small">Eine gesperrte Haushaltsstelle nimmt keine neuen Mittelbindungen an (Zuschläge, Gutscheine, Bindungen von Hand). Bestehende Bindungen und Zahlungen bleiben.</p>
                  <SubmitButton intent="lock" danger confirm={`Haushaltsstelle ${d.line.number} sperren? Neue Mittelbindungen werden dann abgelehnt.`}>
                    Haushaltsstelle sperren
                  </SubmitButton>
                </>
              ) : (
                <>
                  <p className="muted small">Die Haushaltsstelle ist gesperrt.</p>
                  <SubmitButton intent="unlock" confirm={`Haushaltsstelle ${d.line.number} wieder freigeben?`}>
                    Sperre aufheben
                  </SubmitButton>
                </>
              )}
            </Form>
          </div>
        </>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
