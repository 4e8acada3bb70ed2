import { json } from "@remix-run/node";
import { DomainError, ValidationError } from "~/domain/errors";

/** RFC 9457 problem details with a German `detail`. */
export function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", ...headers },
  });
}

const TITLES: Record<number, string> = {
  400: "Ungültige Eingabe",
  403: "Keine Berechtigung",
  404: "Nicht gefunden",
  409: "Konflikt",
  422: "Regel nicht erfüllt",
};

/** API routes: map a thrown domain error to problem+json; anything else is rethrown. */
export function apiError(error: unknown): Response {
  if (error instanceof Response) return error;
  if (error instanceof DomainError) {
    const extra = error instanceof ValidationError && Object.keys(error.fieldErrors).length ? { errors: error.fieldErrors } : {};
    return problem(error.status, TITLES[error.status] ?? "Fehler", error.message, {}, extra);
  }
  console.error("API-Fehler", error instanceof Error ? error.name : typeof error);
  return problem(500, "Interner Fehler", "Die Anfrage konnte nicht verarbeitet werden. Bitte versuchen Sie es später erneut.");
}

/**
 * Form actions: a validation error goes back to the form (400 with field errors and the values
 * typed, so nothing is lost); a conflict (409) or a refused rule (422, a failed transition guard)
 * goes back as a form message; 403/404 become error responses that the route's ErrorBoundary
 * shows.
 */
export function actionError(error: unknown, values: Record<string, unknown> = {}) {
  if (error instanceof Response) throw error;
  if (error instanceof ValidationError) {
    return json({ ok: false as const, formError: error.message, fieldErrors: error.fieldErrors, values, issues: (error as { issues?: unknown }).issues ?? null }, { status: 400 });
  }
  if (error instanceof DomainError) {
    if (error.status === 409 || error.status === 422) return json({ ok: false as const, formError: error.message, fieldErrors: {} as Record<string, string>, values, issues: null }, { status: error.status });
    throw new Response(error.message, { status: error.status });
  }
  throw error;
}

/** Loaders: map a domain error to an error response (404 stays 404, and so on). */
export function loaderError(error: unknown): never {
  if (error instanceof Response) throw error;
  if (error instanceof DomainError) throw new Response(error.message, { status: error.status });
  throw error;
}

export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** An API path asked with a method it does not have: problem+json 405 naming the allowed ones. */
export function methodNotAllowed(allow: string): Response {
  return problem(405, "Methode nicht erlaubt", `Diese Adresse unterstützt nur ${allow}.`, { Allow: allow });
}

/** API resource routes that only read: any other method is answered as problem+json 405. */
export function apiMethodNotAllowed(): Response {
  return methodNotAllowed("GET");
}
