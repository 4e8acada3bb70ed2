/** The funnel plot's drawing area (SVG user units). */
export const W = 760;
export const H = 440;
// Left: the y tick labels ("100,0 %") and, left of them, the axis title, without touching.
export const M = { top: 16, right: 24, bottom: 52, left: 80 };
