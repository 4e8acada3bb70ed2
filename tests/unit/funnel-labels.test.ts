import { describe, expect, it } from "vitest";
import { CHAR_W, labels, textBox, type Box } from "~/routes/comparison._index/funnel-labels";
import { H, M, W } from "~/routes/comparison._index/funnel-size";

const overlaps = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const pointBox = (p: { cx: number; cy: number }): Box => ({ x1: p.cx - 5, y1: p.cy - 5, x2: p.cx + 5, y2: p.cy + 5 });

function check(named: { name: string; cx: number; cy: number }[], all: { cx: number; cy: number }[]) {
  const placed = labels(named, all);
  expect(placed).toHaveLength(named.length);
  for (const l of placed) {
    const box = textBox(l.number !== null ? String(l.number) : l.name, l.tx, l.ty, l.anchor);
    for (const p of all) expect(overlaps(box, pointBox(p)), `${l.name} covers a point at ${p.cx},${p.cy}`).toBe(false);
    for (const o of placed) if (o !== l) expect(overlaps(box, o.box), `${l.name} overlaps ${o.name}`).toBe(false);
    expect(box.x1).toBeGreaterThanOrEqual(M.left);
    expect(box.x2).toBeLessThanOrEqual(W - M.right);
  }
  return placed;
}

describe("funnel labels never cover a point", () => {
  it("puts a label beside its point when there is room", () => {
    const placed = check([{ name: "Köhler Bildungszentrum", cx: 300, cy: 200 }], [{ cx: 300, cy: 200 }]);
    expect(placed[0]).toMatchObject({ anchor: "start", leader: false, number: null, tx: 310 });
  });

  it("moves a label left near the right edge, and away from a neighbouring point", () => {
    const placed = check(
      [{ name: "Bildungsinstitut Lorenz 3", cx: W - M.right - 20, cy: 150 }],
      [
        { cx: W - M.right - 20, cy: 150 },
        { cx: W - M.right - 60, cy: 152 },
      ],
    );
    expect(placed[0].number).toBeNull();
  });

  it("in a dense cloud, labels of several named points avoid all points and each other (or become numbers)", () => {
    const all: { cx: number; cy: number }[] = [];
    for (let i = 0; i < 120; i++) all.push({ cx: M.left + 20 + ((i * 37) % (W - M.left - M.right - 40)), cy: M.top + 20 + ((i * 53) % (H - M.top - M.bottom - 40)) });
    const named = all.slice(0, 6).map((p, i) => ({ name: `Träger mit einem langen Namen ${i}`, ...p }));
    check(named, all);
  });

  it("falls back to a number when nothing is free", () => {
    const all: { cx: number; cy: number }[] = [];
    for (let x = M.left; x <= W - M.right; x += 8) for (let y = M.top; y <= H - M.bottom; y += 8) all.push({ cx: x, cy: y });
    const placed = labels([{ name: "Ganz und gar eingeschlossen", cx: 300, cy: 200 }], all);
    expect(placed[0].number).toBe(1);
  });
});

describe("a name never reads as another point's", () => {
  it("keeps 12 px to the sides of every other point: at the right edge, a name is not set left of its point right beside a neighbour", () => {
    const own = { name: "Köhler Bildungszentrum", cx: W - M.right - 5, cy: 300 };
    // Where the name would start if set to the left of its own point, a neighbour 2 px beyond it.
    const leftStart = own.cx - 10 - (own.name.length * CHAR_W + 4) + 2;
    const neighbour = { cx: leftStart - 9, cy: 302 };
    const [placed] = labels([own], [own, neighbour]);
    expect(placed.number).toBeNull();
    const gapBox = { x1: neighbour.cx - 7 - 12, x2: neighbour.cx + 7 + 12, y1: neighbour.cy - 7, y2: neighbour.cy + 7 };
    const b = placed.box;
    expect(b.x1 < gapBox.x2 && gapBox.x1 < b.x2 && b.y1 < gapBox.y2 && gapBox.y1 < b.y2).toBe(false);
  });
});
