import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const MESSAGES: Record<number, { title: string; text: string }> = {
  400: { title: "Ungültige Anfrage", text: "Die Anfrage konnte so nicht verarbeitet werden." },
  401: { title: "Nicht angemeldet", text: "Bitte melden Sie sich an." },
  403: { title: "Keine Berechtigung", text: "Sie haben keine Berechtigung für diese Seite oder Aktion." },
  404: { title: "Nicht gefunden", text: "Die Seite oder der Datensatz existiert nicht oder ist für Sie nicht sichtbar." },
  405: { title: "Nicht erlaubt", text: "Diese Aktion ist hier nicht möglich." },
  409: { title: "Konflikt", text: "Die Aktion passt nicht zum aktuellen Stand des Vorgangs." },
  422: { title: "Regel nicht erfüllt", text: "Eine Voraussetzung für diese Aktion ist (noch) nicht erfüllt." },
};

const FALLBACK = {
  title: "Ein Fehler ist aufgetreten",
  text: "Die Seite konnte nicht angezeigt werden. Bitte versuchen Sie es erneut; besteht das Problem fort, wenden Sie sich an die Administration.",
};

/** The German heading for an error (also the page title, so the browser tab says what happened). */
export function errorTitle(error: unknown): string {
  return ((isRouteErrorResponse(error) && MESSAGES[error.status]) || FALLBACK).title;
}

/** One error view for every route: a German message, never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let status = 500;
  let detail: string | null = null;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    // Our own German messages only; Remix's internal texts ("Error: No route matches …") stay hidden.
    if (typeof error.data === "string" && error.data.length < 300 && status < 500 && !/^Error:/.test(error.data)) detail = error.data;
  }
  const msg = MESSAGES[status] ?? FALLBACK;
  return (
    <div className="error-page" role="alert">
      <h1>{msg.title}</h1>
      <p>{detail ?? msg.text}</p>
      <p className="muted">Fehlercode {status}</p>
      <p>
        <Link to="/">Zur Startseite</Link>
      </p>
    </div>
  );
}
