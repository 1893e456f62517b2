/**
 * The picture a video element shows now, as ImageData (Agora's `getCurrentFrameData`): a 1×1
 * transparent image while nothing plays (ImageData cannot be empty).
 */
export function currentFrameData(video: HTMLVideoElement | undefined): ImageData {
  const width = video?.videoWidth ?? 0;
  const height = video?.videoHeight ?? 0;
  if (!video || width === 0 || height === 0) return emptyImage();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return emptyImage();
  context.drawImage(video, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

function emptyImage(): ImageData {
  return new ImageData(1, 1);
}
