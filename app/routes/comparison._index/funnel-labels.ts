import { H, M, W } from "./funnel-size";

/** Estimated size of a label (12 px bold): width per character, height, and the point radius with a margin. */
export const CHAR_W = 7.2;
export const LINE_H = 14;
const POINT_R = 7;

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PlacedLabel {
  name: string;
  cx: number;
  cy: number;
  /** Text position (baseline) and anchor. */
  tx: number;
  ty: number;
  anchor: "start" | "end";
  /** A leader line from the point to the label (label moved away from its point). */
  leader: boolean;
  /** When no free place was found for the name: a number in the plot, the name in the list below. */
  number: number | null;
  box: Box;
}

/** The box a text occupies: baseline `ty`, anchored at `tx`. */
export function textBox(text: string, tx: number, ty: number, anchor: "start" | "end"): Box {
  const w = text.length * CHAR_W + 4;
  const x1 = anchor === "start" ? tx - 2 : tx - w + 2;
  return { x1, y1: ty - 11, x2: x1 + w, y2: ty + 4 };
}

const overlaps = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const pointBox = (p: { cx: number; cy: number }): Box => ({ x1: p.cx - POINT_R, y1: p.cy - POINT_R, x2: p.cx + POINT_R, y2: p.cy + POINT_R });
/** Room kept between a label and any other point, so a name never reads as that point's. */
const OTHER_GAP = 12;
const otherPointBox = (p: { cx: number; cy: number }): Box => ({ x1: p.cx - POINT_R - OTHER_GAP, y1: p.cy - POINT_R, x2: p.cx + POINT_R + OTHER_GAP, y2: p.cy + POINT_R });
const inside = (b: Box) => b.x1 >= M.left && b.x2 <= W - M.right && b.y1 >= M.top && b.y2 <= H - M.bottom;

/** Offsets tried in order: right/left of the point, then above/below, then further away with a leader line. */
const CANDIDATES: { dx: number; dy: number; leader: boolean }[] = [
  { dx: 10, dy: 4, leader: false },
  { dx: -10, dy: 4, leader: false },
  { dx: 8, dy: -10, leader: false },
  { dx: -8, dy: -10, leader: false },
  { dx: 8, dy: 19, leader: false },
  { dx: -8, dy: 19, leader: false },
  ...[28, 44, 60, 80].flatMap((d) => [
    { dx: 16, dy: -d, leader: true },
    { dx: -16, dy: -d, leader: true },
    { dx: 16, dy: d + 8, leader: true },
    { dx: -16, dy: d + 8, leader: true },
    { dx: 40 + d, dy: 4, leader: true },
    { dx: -40 - d, dy: 4, leader: true },
  ]),
];

function place(text: string, p: { cx: number; cy: number }, obstacles: Box[]): { tx: number; ty: number; anchor: "start" | "end"; leader: boolean; box: Box } | null {
  for (const c of CANDIDATES) {
    const anchor = c.dx >= 0 ? "start" : "end";
    const tx = p.cx + c.dx;
    const ty = p.cy + c.dy;
    const box = textBox(text, tx, ty, anchor);
    if (inside(box) && !obstacles.some((o) => overlaps(o, box))) return { tx, ty, anchor, leader: c.leader, box };
  }
  return null;
}

/**
 * Places the labels of the named points so that no label box covers a plotted point (any of
 * `all`) or an earlier label: right or left of the point, else above/below, else further away
 * with a leader line; where nothing is free, a number stands in the plot and the name in the
 * list below it.
 */
export function labels(points: { name: string; cx: number; cy: number }[], all: { cx: number; cy: number }[] = points): PlacedLabel[] {
  const taken: Box[] = [];
  const placed: PlacedLabel[] = [];
  let next = 1;
  for (const p of [...points].sort((a, b) => a.cy - b.cy || a.cx - b.cx)) {
    // Its own point only as large as it is; every other point with room to the sides.
    const obstacles = [...taken, ...all.map((q) => (q.cx === p.cx && q.cy === p.cy ? pointBox(q) : otherPointBox(q)))];
    const named = place(p.name, p, obstacles);
    if (named) {
      placed.push({ ...p, ...named, number: null });
      taken.push(named.box);
      continue;
    }
    const number = next++;
    const marker = place(String(number), p, obstacles) ?? { tx: p.cx + 10, ty: p.cy + 4, anchor: "start" as const, leader: false, box: textBox(String(number), p.cx + 10, p.cy + 4, "start") };
    placed.push({ ...p, ...marker, number });
    taken.push(marker.box);
  }
  return placed;
}

/** Which points get their name in the plot: those outside 99.8 %, and those outside 95 % while they are few (all are named below the plot). */
export function labelled<P extends { position: string }>(points: P[]): P[] {
  const outside = points.filter((p) => p.position !== "within");
  return outside.length <= 6 ? outside : outside.filter((p) => p.position === "above998" || p.position === "below998");
}
