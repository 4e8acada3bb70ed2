import { H, M, W } from "./funnel-size";

/** Labels of the points outside the limits: left of points in the right half, moved apart vertically so they do not overlap. */
export function labels(points: { name: string; cx: number; cy: number }[]) {
  const placed: { name: string; cx: number; cy: number; tx: number; ty: number; dy: number; anchor: "start" | "end" }[] = [];
  for (const p of [...points].sort((a, b) => a.cy - b.cy)) {
    const anchor = p.cx > W / 2 ? "end" : "start";
    let ty = p.cy - 9;
    for (const q of placed) if (q.anchor === anchor && Math.abs(q.ty - ty) < 15 && Math.abs(q.cx - p.cx) < 260) ty = q.ty + 15;
    ty = Math.min(ty, H - M.bottom - 6);
    placed.push({ ...p, tx: p.cx + (anchor === "end" ? -9 : 9), ty, dy: ty - (p.cy - 9), anchor });
  }
  return placed;
}

/** Which points get their name in the plot: those outside 99.8 %, and those outside 95 % while they are few (all are named below the plot). */
export function labelled<P extends { position: string }>(points: P[]): P[] {
  const outside = points.filter((p) => p.position !== "within");
  return outside.length <= 6 ? outside : outside.filter((p) => p.position === "above998" || p.position === "below998");
}

