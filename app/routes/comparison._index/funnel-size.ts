/** The funnel plot's drawing area (SVG user units). */
export const W = 760;
export const H = 440;
export const M = { top: 16, right: 24, bottom: 52, left: 64 };
