/**
 * The mix canvas: I420 pictures built by copying each user's decoded picture into its tile.
 * Decoders already scale to the tile's size, so drawing is row copies; a picture of another size
 * (while a decoder is being replaced after a layout change) is centred and clipped.
 */
import type { Rect } from './layout.ts';
import type { Frame } from './y4m.ts';

export interface Yuv {
  y: number;
  u: number;
  v: number;
}

/** `#RRGGBB` in BT.601 limited-range YUV, what H.264 encoders expect by default. */
export function yuvOf(color: string): Yuv {
  const value = Number.parseInt(color.slice(1), 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  return {
    y: Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
    u: Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255),
    v: Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255),
  };
}

export class Canvas {
  readonly width: number;
  readonly height: number;
  background: Yuv;

  constructor(width: number, height: number, background: Yuv) {
    this.width = width;
    this.height = height;
    this.background = background;
  }

  get frameBytes(): number {
    return this.width * this.height * 1.5;
  }

  /** Draws a picture into `picture`: the background, then each tile's frame. */
  compose(picture: Buffer, tiles: Array<{ rect: Rect; frame: Frame | undefined }>): Buffer {
    const lumaBytes = this.width * this.height;
    picture.fill(this.background.y, 0, lumaBytes);
    picture.fill(this.background.u, lumaBytes, lumaBytes * 1.25);
    picture.fill(this.background.v, lumaBytes * 1.25);
    for (const { rect, frame } of tiles) if (frame) this.#draw(picture, frame, rect);
    return picture;
  }

  #draw(picture: Buffer, frame: Frame, rect: Rect): void {
    // Offsets are even so the half-size chroma planes line up.
    const dx = Math.floor((rect.width - frame.width) / 4) * 2;
    const dy = Math.floor((rect.height - frame.height) / 4) * 2;
    const srcX = Math.max(0, -dx);
    const srcY = Math.max(0, -dy);
    const dstX = rect.x + Math.max(0, dx);
    const dstY = rect.y + Math.max(0, dy);
    const width = Math.min(frame.width - srcX, rect.width - Math.max(0, dx), this.width - dstX);
    const height = Math.min(frame.height - srcY, rect.height - Math.max(0, dy), this.height - dstY);
    if (width <= 0 || height <= 0) return;
    const planes = [
      { src: 0, srcStride: frame.width, dst: 0, dstStride: this.width, scale: 1 },
      { src: frame.width * frame.height, srcStride: frame.width / 2, dst: this.width * this.height, dstStride: this.width / 2, scale: 2 },
      { src: frame.width * frame.height * 1.25, srcStride: frame.width / 2, dst: this.width * this.height * 1.25, dstStride: this.width / 2, scale: 2 },
    ];
    for (const plane of planes) {
      const rows = height / plane.scale;
      const bytes = width / plane.scale;
      for (let row = 0; row < rows; row += 1) {
        const from = plane.src + (srcY / plane.scale + row) * plane.srcStride + srcX / plane.scale;
        frame.data.copy(picture, plane.dst + (dstY / plane.scale + row) * plane.dstStride + dstX / plane.scale, from, from + bytes);
      }
    }
  }
}
