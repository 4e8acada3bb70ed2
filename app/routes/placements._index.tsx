import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { CLAIM_STATE_LABELS } from "~/domain/placement-claim.machine";
import { berlinDate, formatDate } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { certifyInstalment, instalmentsToCertify } from "~/services/instalments.server";
import { contractsPerYear, listClaims } from "~/services/placement-claims.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { CLAIM_BADGE } from "~/ui/staff-placement";
import { intParam, Pager, SortHeader } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Vermittlungsnachweise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const p = new URL(request.url).searchParams;
  const year = intParam(p.get("year"), 0);
  const providerId = intParam(p.get("provider"), 0);
  const query = {
    q: p.get("q") ?? "",
    status: p.get("status") ?? "",
    flagged: p.get("flagged") === "1",
    providerId: providerId || undefined,
    year: year >= 1900 && year <= 2999 ? year : undefined,
    sort: p.get("sort") ?? "submittedAt",
    dir: p.get("dir") ?? "",
    page: intParam(p.get("page"), 1),
  };
  const [list, perYear, toCertify] = await Promise.all([listClaims(user, query), contractsPerYear(user), instalmentsToCertify(user)]);
  return json({ ...list, perYear, toCertify, providerFilter: providerId || null, canCertify: can(user.role, "certify:instalment:any") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "certify:instalment:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  try {
    if (intent !== "certify") throw new Response("Unbekannte Aktion", { status: 400 });
    const i = await certifyInstalment(user, Number(values.instalmentId));
    const search = new URL(request.url).searchParams;
    search.delete("index");
    const qs = search.toString();
    return redirectWithFlash(`/placements${qs ? `?${qs}` : ""}`, `${i.number}. Rate (${formatCents(i.amountCents)}) sachlich richtig gezeichnet und als zahlbar an die Kasse übergeben.`);
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function Placements() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const providerName = d.providerFilter ? d.rows[0]?.providerName ?? `Nr. ${d.providerFilter}` : null;
  const withoutProvider = new URLSearchParams(params);
  withoutProvider.delete("provider");
  withoutProvider.delete("page");
  return (
    <>
      <h1>Vermittlungsnachweise</h1>
      {a?.formError ? <FormError message={a.formError as string} /> : null}
      <section className="panel" aria-labelledby="h-per-year">
        <h2 id="h-per-year">Arbeitsverträge durch private Vermittler je Jahr</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Jahr</th>
              <th scope="col" className="num">
                anerkannt
              </th>
              <th scope="col" className="num">
                abgelehnt
              </th>
              <th scope="col" className="num">
                mit Prüfhinweis
              </th>
              <th scope="col" className="num">
                gesamt
              </th>
            </tr>
          </thead>
          <tbody>
            {d.perYear.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Noch keine Vermittlungsnachweise.
                </td>
              </tr>
            ) : null}
            {d.perYear.map((y) => (
              <tr key={y.year}>
                <td>
                  <Link to={`?year=${y.year}`}>{y.year}</Link>
                </td>
                <td className="num">{y.accepted}</td>
                <td className="num">{y.rejected}</td>
                <td className="num">{y.flagged}</td>
                <td className="num">{y.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Nach dem Datum des Arbeitsvertrags.</p>
      </section>
      <section className="panel" aria-labelledby="h-certify">
        <h2 id="h-certify">Zu zeichnende Raten (sachlich richtig)</h2>
        {d.toCertify.length === 0 ? (
          <p className="muted">Keine verdienten Raten offen.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Nachweis</th>
                <th scope="col">Vermittler</th>
                <th scope="col">Rate</th>
                <th scope="col" className="num">
                  Betrag
                </th>
                <th scope="col">bestätigt bis</th>
                {d.canCertify ? <th scope="col">Aktion</th> : null}
              </tr>
            </thead>
            <tbody>
              {d.toCertify.map((i) => (
                <tr key={i.id}>
                  <td className="mono">
                    <Link to={`/placements/${i.claimId}`}>{i.claim}</Link>
                  </td>
                  <td>{i.provider}</td>
                  <td>{i.number}. Rate</td>
                  <td className="num nowrap">{formatCents(i.amountCents)}</td>
                  <td>{i.confirmedUntil ? formatDate(i.confirmedUntil) : "–"}</td>
                  {d.canCertify ? (
                    <td>
                      <Form method="post">
                        <input type="hidden" name="instalmentId" value={i.id} />
                        <SubmitButton intent="certify" confirm={`${i.number}. Rate zu ${i.claim} über ${formatCents(i.amountCents)} sachlich richtig zeichnen und an die Kasse übergeben?`}>
                          Sachlich richtig
                        </SubmitButton>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <h2>Nachweise</h2>
      {providerName ? (
        <div className="alert alert-warn" role="status">
          Gefiltert auf den Vermittler {providerName}. <Link to={`?${withoutProvider.toString()}`}>Filter aufheben</Link>
        </div>
      ) : null}
      <Form method="get" className="filters" role="search">
        {d.providerFilter ? <input type="hidden" name="provider" value={d.providerFilter} /> : null}
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Nachweis, Kunde, Arbeitgeber, Vermittler" />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            {Object.entries(CLAIM_STATE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="year">Jahr (Arbeitsvertrag)</label>
          <select id="year" name="year" defaultValue={params.get("year") ?? ""}>
            <option value="">alle</option>
            {d.perYear.map((y) => (
              <option key={y.year} value={y.year}>
                {y.year}
              </option>
            ))}
          </select>
        </div>
        <div className="field checks">
          <label>
            <input type="checkbox" name="flagged" value="1" defaultChecked={params.get("flagged") === "1"} /> nur mit Prüfhinweisen
          </label>
        </div>
        <input type="hidden" name="sort" value={params.get("sort") ?? "submittedAt"} />
        {params.get("dir") ? <input type="hidden" name="dir" value={params.get("dir") ?? ""} /> : null}
        <button type="submit" className="button">
          Filtern
        </button>
        <Link to="/placements">Zurücksetzen</Link>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <SortHeader field="reference">Nachweis</SortHeader>
            <SortHeader field="submittedAt">Eingang</SortHeader>
            <SortHeader field="provider">Vermittler</SortHeader>
            <th scope="col">Kunde</th>
            <th scope="col">Arbeitgeber</th>
            <SortHeader field="contractDate">Arbeitsvertrag</SortHeader>
            <th scope="col" className="num">
              Vergütung
            </th>
            <SortHeader field="status">Status</SortHeader>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                Keine Vermittlungsnachweise gefunden.
              </td>
            </tr>
          ) : null}
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td className="mono">
                <Link to={`/placements/${r.id}`}>{r.reference}</Link>
              </td>
              <td>{formatDate(berlinDate(r.submittedAt))}</td>
              <td>{r.providerName}</td>
              <td className="mono">{r.client}</td>
              <td>{r.employerName}</td>
              <td>
                {formatDate(r.contractDate)}
                <div className="muted">Beginn {formatDate(r.jobStart)}</div>
              </td>
              <td className="num nowrap">{formatCents(r.claimedFeeCents)}</td>
              <td>
                <span className={`badge ${CLAIM_BADGE[r.status] ?? ""}`}>{r.statusLabel}</span> {r.flagged ? <span className="badge warn">Prüfhinweis</span> : null}{" "}
                {r.errors ? <span className="badge err">{r.errors === 1 ? "1 Fehler" : `${r.errors} Fehler`}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Nachweise" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
