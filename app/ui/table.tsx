/** URL parameter helpers. The list components (sort headers, pager) live in ./list.tsx. */
export function intParam(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function idParam(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Response("Nicht gefunden", { status: 404 });
  return n;
}
