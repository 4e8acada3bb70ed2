import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { MAIL_LIST } from "~/domain/list-specs";
import { formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { outboxPage, retryFailedMail } from "~/services/outbox.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Postausgang" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:mail-outbox:any");
  const query = parseListQuery(new URL(request.url).searchParams, MAIL_LIST);
  return json(await outboxPage(query.status, query.page, query.q));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "read:mail-outbox:any");
  const id = Number((await request.formData()).get("id"));
  try {
    await retryFailedMail(user, id);
    return redirectWithFlash("/admin/mail", `E-Mail Nr. ${id} wird erneut zugestellt.`);
  } catch (error) {
    return actionError(error);
  }
}

const STATUS: Record<string, { label: string; badge: string }> = {
  pending: { label: "wartet", badge: "warn" },
  sent: { label: "versandt", badge: "ok" },
  failed: { label: "fehlgeschlagen", badge: "err" },
};

export default function Outbox() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Postausgang</h1>
      <p className="muted">Alle E-Mails der Anwendung. Ohne SMTP-Server (SMTP_URL) werden sie als .eml-Dateien im Datenverzeichnis abgelegt und können hier geöffnet werden.</p>
      <FilterBar resetTo="/admin/mail">
        <SearchFilter label="Suche (Betreff, Empfänger)" />
        <SelectFilter name="status" label="Status" options={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(m) => m.id} empty="Keine E-Mails." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="E-Mails" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Nr.", className: "num", cell: (m) => m.id },
  { header: "Erstellt", cell: (m) => formatDateTime(m.createdAt) },
  { header: "An", cell: (m) => m.recipients },
  { header: "Betreff", cell: (m) => m.subject },
  {
    header: "Status",
    cell: (m) => (
      <>
        <span className={`badge ${STATUS[m.status]?.badge ?? ""}`}>{STATUS[m.status]?.label ?? m.status}</span>
        {m.status === "sent" ? ` ${formatDateTime(m.sentAt)}` : ""}
        {m.lastError ? <div className="muted">{m.lastError}</div> : null}
      </>
    ),
  },
  { header: "Versuche", className: "num", cell: (m) => m.attempts },
  {
    header: "Nachricht",
    cell: (m) => (
      <>
        <a href={`/admin/mail/${m.id}.eml`}>
          .eml öffnen
        </a>
        {m.status === "failed" ? (
          <Form method="post">
            <input type="hidden" name="id" value={m.id} />
            <button type="submit" className="button secondary">
              Erneut senden
            </button>
          </Form>
        ) : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
