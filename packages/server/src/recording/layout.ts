/**
 * Where each user goes on the mix canvas, for Agora's layouts: 0 floating, 1 best fit, 2 vertical
 * and 3 custom. Pure geometry: rectangles in pixels, even-aligned (4:2:0 chroma needs even
 * coordinates), for the users in the order they began publishing video.
 */
import type { LayoutRegion } from '@parley/protocol';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `crop`: scale to fill the tile and cut what overflows; `fit`: scale to fit inside, centred. */
export type FitMode = 'crop' | 'fit';

export interface Tile {
  uid: string;
  rect: Rect;
  fit: FitMode;
}

export interface LayoutSpec {
  mixedVideoLayout: 0 | 1 | 2 | 3;
  maxResolutionUid?: string | undefined;
  layoutConfig?: LayoutRegion[] | undefined;
}

export interface Canvas {
  width: number;
  height: number;
}

/** Agora shows at most 17 users in a composite. */
export const MAX_TILES = 17;

const even = (value: number) => Math.max(0, Math.round(value / 2) * 2);

/** A rectangle given in shares of the canvas, in pixels, at least 2 × 2 and inside the canvas. */
function toPixels(canvas: Canvas, x: number, y: number, width: number, height: number): Rect {
  const left = Math.min(even(x * canvas.width), canvas.width - 2);
  const top = Math.min(even(y * canvas.height), canvas.height - 2);
  return {
    x: left,
    y: top,
    width: Math.max(2, Math.min(even(width * canvas.width), canvas.width - left)),
    height: Math.max(2, Math.min(even(height * canvas.height), canvas.height - top)),
  };
}

/** Best fit: the smallest near-square grid, filled row by row. */
function grid(canvas: Canvas, uids: string[]): Tile[] {
  const columns = Math.ceil(Math.sqrt(uids.length));
  const rows = Math.ceil(uids.length / columns);
  return uids.map((uid, i) => ({
    uid,
    rect: toPixels(canvas, (i % columns) / columns, Math.floor(i / columns) / rows, 1 / columns, 1 / rows),
    fit: 'crop',
  }));
}

/** Floating: the first user fills the canvas; the others float in rows of four, bottom row first. */
function floating(canvas: Canvas, uids: string[]): Tile[] {
  const [first, ...others] = uids;
  if (first === undefined) return [];
  const margin = 0.01;
  const size = (1 - 5 * margin) / 4;
  return [
    { uid: first, rect: toPixels(canvas, 0, 0, 1, 1), fit: 'crop' },
    ...others.map((uid, i): Tile => {
      const column = i % 4;
      const row = Math.floor(i / 4);
      return { uid, rect: toPixels(canvas, margin + column * (size + margin), 1 - (row + 1) * (size + margin), size, size), fit: 'crop' };
    }),
  ];
}

/** Vertical: `maxResolutionUid` (else the first user) large on the left, the rest in up to two columns on the right. */
function vertical(canvas: Canvas, uids: string[], large: string | undefined): Tile[] {
  const main = large !== undefined && uids.includes(large) ? large : uids[0];
  if (main === undefined) return [];
  const others = uids.filter((uid) => uid !== main);
  if (others.length === 0) return [{ uid: main, rect: toPixels(canvas, 0, 0, 1, 1), fit: 'crop' }];
  const columns = others.length > 8 ? 2 : 1;
  const rows = Math.max(4, Math.ceil(others.length / columns));
  const columnWidth = 0.2;
  const mainWidth = 1 - columns * columnWidth;
  return [
    { uid: main, rect: toPixels(canvas, 0, 0, mainWidth, 1), fit: 'crop' },
    ...others.map((uid, i): Tile => ({
      uid,
      rect: toPixels(canvas, mainWidth + Math.floor(i / rows) * columnWidth, (i % rows) / rows, columnWidth, 1 / rows),
      fit: 'crop',
    })),
  ];
}

/** Custom: regions naming a uid show that user; the others take the remaining users in order. */
function custom(canvas: Canvas, uids: string[], regions: LayoutRegion[]): Tile[] {
  const named = new Set(regions.flatMap((r) => (r.uid !== undefined && r.uid !== '' ? [r.uid] : [])));
  const unnamed = uids.filter((uid) => !named.has(uid));
  const tiles: Tile[] = [];
  for (const region of regions) {
    const uid = region.uid !== undefined && region.uid !== '' ? region.uid : unnamed.shift();
    if (uid === undefined || !uids.includes(uid)) continue;
    tiles.push({ uid, rect: toPixels(canvas, region.x_axis, region.y_axis, region.width, region.height), fit: region.render_mode === 1 ? 'fit' : 'crop' });
  }
  return tiles;
}

export function layoutTiles(spec: LayoutSpec, canvas: Canvas, uids: string[]): Tile[] {
  const shown = uids.slice(0, MAX_TILES);
  switch (spec.mixedVideoLayout) {
    case 0:
      return floating(canvas, shown);
    case 2:
      return vertical(canvas, shown, spec.maxResolutionUid);
    case 3:
      return custom(canvas, shown, spec.layoutConfig ?? []);
    default:
      return grid(canvas, shown);
  }
}
