/**
 * Mix layouts as Agora describes them: floating (0), best fit (1), vertical (2), custom (3), with
 * even pixel rectangles inside the canvas.
 */
import { describe, expect, it } from 'vitest';
import { layoutTiles, type Rect } from './layout.ts';

const canvas = { width: 640, height: 360 };
const rects = (tiles: Array<{ uid: string; rect: Rect }>) => Object.fromEntries(tiles.map((t) => [t.uid, t.rect]));

describe('layoutTiles', () => {
  it('best fit puts one user full screen, two side by side, four in a 2 × 2 grid', () => {
    expect(rects(layoutTiles({ mixedVideoLayout: 1 }, canvas, ['a']))).toEqual({ a: { x: 0, y: 0, width: 640, height: 360 } });
    expect(rects(layoutTiles({ mixedVideoLayout: 1 }, canvas, ['a', 'b']))).toEqual({
      a: { x: 0, y: 0, width: 320, height: 360 },
      b: { x: 320, y: 0, width: 320, height: 360 },
    });
    expect(rects(layoutTiles({ mixedVideoLayout: 1 }, canvas, ['a', 'b', 'c', 'd']))).toEqual({
      a: { x: 0, y: 0, width: 320, height: 180 },
      b: { x: 320, y: 0, width: 320, height: 180 },
      c: { x: 0, y: 180, width: 320, height: 180 },
      d: { x: 320, y: 180, width: 320, height: 180 },
    });
    expect(layoutTiles({ mixedVideoLayout: 1 }, canvas, ['1', '2', '3', '4', '5'])).toHaveLength(5);
  });

  it('floating puts the first user full screen and the others in small windows along the bottom', () => {
    const tiles = rects(layoutTiles({ mixedVideoLayout: 0 }, canvas, ['a', 'b', 'c']));
    expect(tiles.a).toEqual({ x: 0, y: 0, width: 640, height: 360 });
    expect(tiles.b!.y + tiles.b!.height).toBeLessThanOrEqual(360);
    expect(tiles.b!.y).toBeGreaterThan(250);
    expect(tiles.c!.x).toBeGreaterThan(tiles.b!.x + tiles.b!.width - 1);
    expect(tiles.c!.y).toBe(tiles.b!.y);
  });

  it('floating starts a second row above the first after four small windows', () => {
    const tiles = rects(layoutTiles({ mixedVideoLayout: 0 }, canvas, ['a', '1', '2', '3', '4', '5']));
    expect(tiles['5']!.y).toBeLessThan(tiles['1']!.y);
    expect(tiles['5']!.x).toBe(tiles['1']!.x);
  });

  it('vertical puts maxResolutionUid large on the left and the others in a column on the right', () => {
    const tiles = rects(layoutTiles({ mixedVideoLayout: 2, maxResolutionUid: 'b' }, canvas, ['a', 'b', 'c']));
    expect(tiles.b).toEqual({ x: 0, y: 0, width: 512, height: 360 });
    expect(tiles.a).toMatchObject({ x: 512, y: 0, width: 128 });
    expect(tiles.c).toMatchObject({ x: 512, width: 128 });
    expect(tiles.c!.y).toBeGreaterThan(0);
  });

  it('custom places named users in their regions and fills unnamed regions in order', () => {
    const tiles = layoutTiles(
      {
        mixedVideoLayout: 3,
        layoutConfig: [
          { x_axis: 0, y_axis: 0, width: 0.5, height: 1 },
          { uid: 'c', x_axis: 0.5, y_axis: 0, width: 0.5, height: 0.5, render_mode: 1 },
          { x_axis: 0.5, y_axis: 0.5, width: 0.5, height: 0.5 },
        ],
      },
      canvas,
      ['a', 'b', 'c'],
    );
    expect(tiles).toEqual([
      { uid: 'a', rect: { x: 0, y: 0, width: 320, height: 360 }, fit: 'crop' },
      { uid: 'c', rect: { x: 320, y: 0, width: 320, height: 180 }, fit: 'fit' },
      { uid: 'b', rect: { x: 320, y: 180, width: 320, height: 180 }, fit: 'crop' },
    ]);
  });

  it('keeps every rectangle even and inside the canvas, for odd canvases too', () => {
    const odd = { width: 362, height: 202 };
    for (const layout of [0, 1, 2] as const) {
      for (const tile of layoutTiles({ mixedVideoLayout: layout }, odd, ['1', '2', '3', '4', '5', '6', '7'])) {
        const { x, y, width, height } = tile.rect;
        expect([x % 2, y % 2, width % 2, height % 2]).toEqual([0, 0, 0, 0]);
        expect(x + width).toBeLessThanOrEqual(odd.width);
        expect(y + height).toBeLessThanOrEqual(odd.height);
      }
    }
  });

  it('shows at most 17 users', () => {
    expect(layoutTiles({ mixedVideoLayout: 1 }, canvas, Array.from({ length: 20 }, (_, i) => String(i)))).toHaveLength(17);
  });
});
