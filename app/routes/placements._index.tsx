import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
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
import { CheckFilter, DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";
import { parseListQuery } from "~/domain/list";
import { CLAIM_LIST } from "~/domain/list-specs";

export const meta: MetaFunction = () => [{ title: "Vermittlungsnachweise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const query = parseListQuery(new URL(request.url).searchParams, CLAIM_LIST);
  const count = (q: Parameters<typeof listClaims>[1]) => listClaims(user, { ...q, pageSize: 1 }).then((r) => r.total);
  const [list, perYear, toCertify, waiting, documentsRequested, flagged] = await Promise.all([
    listClaims(user, query),
    contractsPerYear(user),
    instalmentsToCertify(user),
    count({ status: "submitted" }),
    count({ status: "documents_requested" }),
    count({ flagged: true, status: "submitted" }),
  ]);
  return json({ ...list, perYear, toCertify, counts: { waiting, documentsRequested, flagged }, providerFilter: query.provider ?? null, canCertify: can(user.role, "certify:instalment:any") });
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
  const exportQuery = useExportQuery();
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
      <QuickFilters
        items={[
          { label: "wartet auf Entscheidung (älteste zuerst)", params: { status: "submitted", sort: "submittedAt", dir: "asc" }, count: d.counts.waiting, warn: true },
          { label: "davon mit Prüfhinweis", params: { status: "submitted", flagged: "1", sort: "submittedAt", dir: "asc" }, count: d.counts.flagged, warn: true },
          { label: "Unterlagen nachgefordert", params: { status: "documents_requested" }, count: d.counts.documentsRequested },
        ]}
      />
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
      <FilterBar resetTo="/placements" keep={["provider"]}>
        <SearchFilter placeholder="Nachweis, Kunde, Arbeitgeber, Vermittler" />
        <SelectFilter name="status" label="Status" options={optionsOf(CLAIM_STATE_LABELS)} />
        <SelectFilter name="year" label="Jahr (Arbeitsvertrag)" options={d.perYear.map((y) => ({ value: y.year, label: String(y.year) }))} />
        <CheckFilter name="flagged" label="nur mit Prüfhinweisen" />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(r) => r.id} sort={d.sort} dir={d.dir} empty="Keine Vermittlungsnachweise gefunden." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Nachweise" csvHref={`/placements/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Nachweis", sort: "reference", firstDir: "desc", className: "mono", cell: (r) => <Link to={`/placements/${r.id}`}>{r.reference}</Link> },
  { header: "Eingang", sort: "submittedAt", firstDir: "desc", cell: (r) => formatDate(berlinDate(r.submittedAt)) },
  { header: "Vermittler", sort: "provider", cell: (r) => r.providerName },
  { header: "Kunde", className: "mono", cell: (r) => r.client },
  { header: "Arbeitgeber", cell: (r) => r.employerName },
  {
    header: "Arbeitsvertrag",
    sort: "contractDate",
    firstDir: "desc",
    cell: (r) => (
      <>
        {formatDate(r.contractDate)}
        <div className="muted">Beginn {formatDate(r.jobStart)}</div>
      </>
    ),
  },
  { header: "Vergütung", className: "num nowrap", cell: (r) => formatCents(r.claimedFeeCents) },
  {
    header: "Status",
    sort: "status",
    cell: (r) => (
      <>
        <span className={`badge ${CLAIM_BADGE[r.status] ?? ""}`}>{r.statusLabel}</span> {r.flagged ? <span className="badge warn">Prüfhinweis</span> : null}{" "}
        {r.errors ? <span className="badge err">{r.errors === 1 ? "1 Fehler" : `${r.errors} Fehler`}</span> : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
