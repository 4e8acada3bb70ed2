import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { today } from "~/lib/clock.server";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { budgetLines, budgetOverview, budgetQuery, budgetYearsOffered, createBudgetLine } from "~/services/budget.server";
import { BudgetChart } from "~/ui/budget-chart";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { FilterBar, SelectFilter } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Haushalt – Mittelübersicht" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const { year, lineId, current } = budgetQuery(new URL(request.url).searchParams);
  const [rows, lines, years] = await Promise.all([budgetOverview(user, { year, lineId }), budgetLines(), budgetYearsOffered()]);
  const totals = rows.reduce(
    (t, r) => ({ limit: t.limit + r.limitCents, committed: t.committed + r.committedCents, paid: t.paid + r.paidCents, available: t.available + r.availableCents }),
    { limit: 0, committed: 0, paid: 0, available: 0 },
  );
  return json({
    rows,
    year,
    current,
    lineId: lineId ?? null,
    totals,
    lines: lines.map((l) => ({ value: String(l.id), label: `${l.number} – ${l.title.length > 60 ? `${l.title.slice(0, 58)}…` : l.title}` })),
    years: (years.includes(year) ? years : [year, ...years]).map((y) => ({ value: String(y), label: String(y) })),
    canManage: can(user.role, "manage:budget:any"),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:budget:any");
  const form = await request.formData();
  const values = { number: String(form.get("number") ?? ""), title: String(form.get("title") ?? "") };
  try {
    const line = await createBudgetLine(user, values);
    return redirectWithFlash(`/finance/budget/${line.id}/${today().slice(0, 4)}`, `Haushaltsstelle ${line.number} angelegt. Setzen Sie jetzt den Ansatz des Jahres fest.`);
  } catch (error) {
    return actionError(error, values);
  }
}

const pct = (v: number) => `${v.toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

export default function BudgetOverview() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const query = new URLSearchParams({ year: String(d.year), ...(d.lineId ? { line: String(d.lineId) } : {}) }).toString();
  const overRows = d.rows.filter((r) => r.over);
  return (
    <>
      <h1>Haushalt {d.year}</h1>
      <p className="muted">
        Ansatz (oder Verpflichtungsermächtigung, solange der Haushalt des Jahres nicht beschlossen ist), gebundene Mittel, Zahlungen und verfügbare Mittel je Haushaltsstelle. Verfügbar = Ansatz − Mittelbindungen − Zahlungen
        ohne Mittelbindung. Jede Zahl führt zu den Mittelbindungen und Zahlungen dahinter.
      </p>
      <FilterBar resetTo="/finance/budget">
        <SelectFilter name="year" label="Haushaltsjahr" options={d.years} allLabel={null} defaultValue={String(d.year)} />
        <SelectFilter name="line" label="Haushaltsstelle" options={d.lines} />
      </FilterBar>
      {overRows.length ? (
        <div className="alert alert-error" role="alert">
          Überschritten im Haushaltsjahr {d.year}: {overRows.map((r) => `${r.number} (${pct(r.usedPercent)})`).join(", ")}. Neue Aufträge auf diesen Haushaltsstellen werden abgelehnt, bis Mittel frei werden oder der Ansatz erhöht
          wird.
        </div>
      ) : null}
      <div className="cards">
        <div className="card">
          <div className="muted">Ansatz / VE {d.year}</div>
          <div className="value">{formatCents(d.totals.limit)}</div>
        </div>
        <div className="card">
          <div className="muted">gebunden</div>
          <div className="value">{formatCents(d.totals.committed)}</div>
        </div>
        <div className="card">
          <div className="muted">gezahlt</div>
          <div className="value">{formatCents(d.totals.paid)}</div>
        </div>
        <div className={`card${d.totals.available < 0 ? " warn" : ""}`}>
          <div className="muted">verfügbar</div>
          <div className="value">{formatCents(d.totals.available)}</div>
        </div>
      </div>
      {d.rows.length ? <BudgetChart rows={d.rows} year={d.year} describedBy="budget-table-caption" /> : null}
      <div>
        <table className="data budget-table">
          <caption id="budget-table-caption">Mittel je Haushaltsstelle im Haushaltsjahr {d.year} (Beträge in Euro)</caption>
          <thead>
            <tr>
              <th scope="col">Haushaltsstelle</th>
              <th scope="col" className="num">
                Ansatz
              </th>
              <th scope="col" className="num">
                VE
              </th>
              <th scope="col" className="num">
                gebunden
              </th>
              <th scope="col" className="num">
                gezahlt
              </th>
              <th scope="col" className="num">
                verfügbar
              </th>
              <th scope="col" className="num">
                ausgeschöpft
              </th>
            </tr>
          </thead>
          <tbody>
            {d.rows.length === 0 ? (
              <tr>
                <td colSpan={7}>Keine Haushaltsstellen gefunden.</td>
              </tr>
            ) : (
              d.rows.map((r) => {
                const href = `/finance/budget/${r.budgetLineId}/${r.year}`;
                return (
                  <tr key={`${r.budgetLineId}-${r.year}`}>
                    <th scope="row">
                      <Link to={href} className="mono">
                        {r.number}
                      </Link>
                      {r.active ? null : (
                        <>
                          {" "}
                          <span className="badge err">gesperrt</span>
                        </>
                      )}
                      <div className="muted small">
                        {r.title}
                      </div>
                    </th>
                    <td className="num nowrap">{r.appropriationCents ? formatCents(r.appropriationCents) : "–"}</td>
                    <td className="num nowrap">{r.authorisationCents ? formatCents(r.authorisationCents) : "–"}</td>
                    <td className="num nowrap">
                      <Link to={`${href}#bindungen`} aria-label={`gebunden auf ${r.number}: ${formatCents(r.committedCents)} – Mittelbindungen anzeigen`}>
                        {formatCents(r.committedCents)}
                      </Link>
                    </td>
                    <td className="num nowrap">
                      <Link to={`${href}#zahlungen`} aria-label={`gezahlt aus ${r.number}: ${formatCents(r.paidCents)} – Zahlungen anzeigen`}>
                        {formatCents(r.paidCents)}
                      </Link>
                      {r.uncoveredCents ? <div className="muted small">davon ohne Bindung {formatCents(r.uncoveredCents)}</div> : null}
                    </td>
                    <td className="num nowrap">
                      <Link to={href} aria-label={`verfügbar auf ${r.number}: ${formatCents(r.availableCents)} – Einzelheiten`}>
                        {r.availableCents < 0 ? <strong className="text-err">{formatCents(r.availableCents)}</strong> : formatCents(r.availableCents)}
                      </Link>
                    </td>
                    <td className="num nowrap">
                      {r.limitCents === 0 ? "–" : r.over ? <span className="badge err">{pct(r.usedPercent)} – überschritten</span> : pct(r.usedPercent)}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <p className="actions">
        <a href={`/finance/budget/export.csv?${query}`}>
          Übersicht als CSV exportieren
        </a>
      </p>
      {d.canManage ? (
        <section aria-labelledby="new-line">
          <h2 id="new-line">Neue Haushaltsstelle</h2>
          <Form method="post" noValidate className="form">
            <FormError message={a && !a.ok ? a.formError : null} />
            <div className="form-grid">
              <Field name="number" label="Haushaltsstelle" required hint="z. B. 1.4820.7690" defaultValue={a?.values?.number as string | undefined} error={a?.fieldErrors?.number} />
              <Field name="title" label="Bezeichnung" required defaultValue={a?.values?.title as string | undefined} error={a?.fieldErrors?.title} />
            </div>
            <SubmitButton>Haushaltsstelle anlegen</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
