/**
 * The picture a video element shows now, as ImageData (Agora's `getCurrentFrameData`): a 1×1
 * transparent image while nothing plays (ImageData cannot be empty). Or encoded as an image file
 * (`getCurrentFrameImage`).
 */
import { invalidParams } from '../errors.ts';

export interface ImageTypedData {
  buffer: Uint8Array;
  width: number;
  height: number;
}

function drawnFrame(video: HTMLVideoElement | undefined): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } | undefined {
  const width = video?.videoWidth ?? 0;
  const height = video?.videoHeight ?? 0;
  if (!video || width === 0 || height === 0) return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.drawImage(video, 0, 0, width, height);
  return { canvas, context };
}

export function currentFrameData(video: HTMLVideoElement | undefined): ImageData {
  const frame = drawnFrame(video);
  return frame ? frame.context.getImageData(0, 0, frame.canvas.width, frame.canvas.height) : emptyImage();
}

/** The picture now as an image file of `imageType` ("image/png", "image/jpeg"…), `quality` 0–1 for lossy types. */
export async function currentFrameImage(video: HTMLVideoElement | undefined, imageType: string, quality: number): Promise<ImageTypedData> {
  if (typeof imageType !== 'string' || !imageType.startsWith('image/')) throw invalidParams('imageType must be an image MIME type such as "image/png"', { field: 'imageType' });
  if (typeof quality !== 'number' || !(quality >= 0 && quality <= 1)) throw invalidParams('quality must be a number from 0 to 1', { field: 'quality' });
  const frame = drawnFrame(video);
  if (!frame) return { buffer: new Uint8Array(0), width: 0, height: 0 };
  const blob = await new Promise<Blob | null>((resolve) => frame.canvas.toBlob(resolve, imageType, quality));
  return { buffer: new Uint8Array(blob ? await blob.arrayBuffer() : new ArrayBuffer(0)), width: frame.canvas.width, height: frame.canvas.height };
}

function emptyImage(): ImageData {
  return new ImageData(1, 1);
}
