/**
 * Whether people can see a video element (Agora's `getVideoElementVisibleStatus`): hidden by
 * style (display, visibility, opacity of it or an ancestor), too small, out of the viewport, or
 * covered by another element at its centre. Undefined while the track does not play.
 */
export type CheckVideoVisibleResult = { visible: true } | { visible: false; reason: 'COVERED' | 'POSITION' | 'SIZE' | 'STYLE' };

/** Below this many CSS pixels a side, nobody sees a picture. */
const MIN_SIDE_PX = 2;

export function videoElementVisibility(video: HTMLVideoElement | undefined): CheckVideoVisibleResult | undefined {
  if (!video || !video.isConnected) return undefined;
  for (let element: Element | null = video; element; element = element.parentElement) {
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse' || Number(style.opacity) === 0) {
      return { visible: false, reason: 'STYLE' };
    }
  }
  const rect = video.getBoundingClientRect();
  if (rect.width < MIN_SIDE_PX || rect.height < MIN_SIDE_PX) return { visible: false, reason: 'SIZE' };
  const viewWidth = window.innerWidth;
  const viewHeight = window.innerHeight;
  if (rect.right <= 0 || rect.bottom <= 0 || rect.left >= viewWidth || rect.top >= viewHeight) return { visible: false, reason: 'POSITION' };
  // The centre of the part inside the viewport: what is drawn on top there?
  const x = (Math.max(rect.left, 0) + Math.min(rect.right, viewWidth)) / 2;
  const y = (Math.max(rect.top, 0) + Math.min(rect.bottom, viewHeight)) / 2;
  const top = document.elementFromPoint(x, y);
  if (top && top !== video && !top.contains(video)) return { visible: false, reason: 'COVERED' };
  return { visible: true };
}
