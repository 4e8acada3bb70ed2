import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { OWN_AGREEMENT_LIST } from "~/domain/list-specs";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { acceptAgreement, agreementDocument, getAgreement, ownAgreements, publishedTerms } from "~/services/placement-agreements.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { DataTable, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Vermittlungsvereinbarungen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:agreement:own");
  // Current agreements first (OWN_AGREEMENT_LIST). No filters, pager or CSV: a broker has only
  // a few agreements, and each one's PDF is the document to keep.
  const query = parseListQuery(new URL(request.url).searchParams, OWN_AGREEMENT_LIST);
  try {
    const [{ rows, sort, dir }, terms] = await Promise.all([ownAgreements(user, query), publishedTerms(user)]);
    // The fee terms of the current agreements (a broker has only a few).
    const details = await Promise.all(rows.filter((a) => a.status === "offered" || a.status === "active" || a.status === "suspended").map((a) => getAgreement(user, a.id)));
    return json({
      rows,
      sort,
      dir,
      terms,
      schedules: Object.fromEntries(
        details.map((d) => [
          d.agreement.id,
          d.schedule
            ? {
                name: d.schedule.name,
                code: d.schedule.code,
                instalments: d.schedule.instalments,
                rates: d.schedule.rates,
              }
            : null,
        ])
      ),
      problems: Object.fromEntries(details.map((d) => [d.agreement.id, d.admissionProblem])),
    });
  } catch (error) {
    loaderError(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const user = await requirePermission(request, intent === "accept" ? "accept:agreement:own" : "read:agreement:own");
  const id = Number(form.get("id"));
  try {
    if (intent === "accept") {
      const a = await acceptAgreement(user, id);
      return redirectWithFlash("/portal/agreements", `Sie haben die Vermittlungsvereinbarung ${a.reference} angenommen. Sie gilt vom ${formatDate(a.validFrom)} bis ${formatDate(a.validUntil)}.`);
    }
    if (intent === "document") {
      const doc = await agreementDocument(user, id);
      return redirect(`/documents/${doc.id}`);
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, {});
    return json({ intent, id, ...(await failure.json()) }, { status: failure.status });
  }
}

const BADGE: Record<string, string> = {
  offered: "warn",
  active: "ok",
  suspended: "warn",
  terminated: "err",
  expired: "",
};

export default function PortalAgreements() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const offered = d.rows.filter((r) => r.status === "offered");
  const columns: Column<AgreementRow>[] = [
    {
      header: "Vereinbarung",
      sort: "reference",
      firstDir: "desc",
      cell: (r) => {
        const schedule = d.schedules[r.id];
        return (
          <>
            <strong className="mono">{r.reference}</strong>
            {schedule ? (
              <details>
                <summary>Vergütung</summary>
                <p className="muted">
                  {schedule.name} ({schedule.code})
                </p>
                <ul>
                  {schedule.rates.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                  {schedule.instalments.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        );
      },
    },
    { header: "Rechtsgrundlage", cell: (r) => r.legalBasisLabel },
    { header: "Laufzeit", sort: "validUntil", firstDir: "desc", cell: (r) => `${formatDate(r.validFrom)} – ${formatDate(r.validUntil)}` },
    { header: "Status", sort: "current", cell: (r) => <span className={`badge ${BADGE[r.status] ?? ""}`}>{r.statusLabel}</span> },
    { header: "Angenommen", cell: (r) => (r.acceptedAt ? `${r.acceptedByName || "–"}, ${formatDateTime(r.acceptedAt)}` : "–") },
    {
      header: "Aktionen",
      cell: (r) => {
        const problem = d.problems[r.id];
        return (
          <>
            <div className="actions">
              {r.status === "offered" ? (
                <Form method="post">
                  <input type="hidden" name="id" value={r.id} />
                  <SubmitButton intent="accept" confirm="Vereinbarung verbindlich annehmen?">
                    Annehmen
                  </SubmitButton>
                </Form>
              ) : null}
              {/* The answer is a PDF: a document navigation, not a client-side one (DESIGN.md § 7). */}
              <Form method="post" reloadDocument>
                <input type="hidden" name="id" value={r.id} />
                <button type="submit" name="intent" value="document" className="button secondary" aria-label={`Vereinbarung ${r.reference} als PDF`}>
                  PDF
                </button>
              </Form>
            </div>
            {r.status === "offered" && problem ? <div className="error">{problem}</div> : null}
            {a?.formError && a.id === r.id ? <div className="error">{a.formError}</div> : null}
          </>
        );
      },
    },
  ];
  return (
    <>
      <h1>Vermittlungsvereinbarungen</h1>
      <p className="muted">Mit einer aktiven Vermittlungsvereinbarung kann Ihnen das Arbeits- und Sozialzentrum Kundinnen und Kunden zuweisen. Die Vergütung wird nur bei erfolgreicher Vermittlung gezahlt.</p>
      {offered.length ? (
        <div className="alert alert-warn" role="status">
          {offered.length === 1 ? "Eine Vereinbarung wartet" : `${offered.length} Vereinbarungen warten`} auf Ihre Annahme. Bitte lesen Sie die Bedingungen, bevor Sie annehmen.
        </div>
      ) : null}
      {a?.formError ? <FormError message={a.formError} /> : null}
      <DataTable
        columns={columns}
        rows={d.rows}
        rowKey={(r) => r.id}
        sort={d.sort}
        dir={d.dir}
        empty="Ihnen wurde noch keine Vermittlungsvereinbarung angeboten."
      />

      <section className="panel" aria-labelledby="h-terms">
        <h2 id="h-terms">Veröffentlichte Zulassungsbedingungen</h2>
        {d.terms.length === 0 ? <p className="muted">Es sind keine Bedingungen veröffentlicht.</p> : null}
        {d.terms.map((t, i) => (
          <details key={t.id} open={i === 0 && offered.length > 0}>
            <summary>
              {t.title}{" "}
              <span className="muted">
                (Laufzeit {t.termMonths} Monate, veröffentlicht {formatDate(t.publishedAt?.slice(0, 10))})
              </span>
            </summary>
            {t.body
              .split(/\n\s*\n/)
              .filter((para) => para.trim())
              .map((para, j) => (
                <p key={j}>{para.trim()}</p>
              ))}
          </details>
        ))}
      </section>
    </>
  );
}

type AgreementRow = NonNullable<SerializeFrom<typeof loader>>["rows"][number];

export const ErrorBoundary = GeneralErrorBoundary;
