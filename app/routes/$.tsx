import { GeneralErrorBoundary } from "~/ui/error-boundary";

/** Any address no other route serves: a German 404 inside the normal layout. */
export async function loader() {
  throw new Response("Diese Seite gibt es nicht. Bitte prüfen Sie die Adresse oder nutzen Sie die Navigation.", { status: 404 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = GeneralErrorBoundary;
