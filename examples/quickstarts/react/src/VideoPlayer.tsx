import { useEffect, useRef } from 'react';
import type { LocalVideoTrack, RemoteVideoTrack } from '@parley/rtc-sdk';

/** One video tile: the SDK plays the track into the tile's box (a <video> it adds and removes). */
export function VideoPlayer({ track, label, uid }: { track?: LocalVideoTrack | RemoteVideoTrack; label: string; uid?: number | string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!track || !box.current) return;
    track.play(box.current);
    // Runs when the track changes or the tile goes away: removes the <video>, keeps the track.
    return () => track.stop();
  }, [track]);
  return (
    <figure className="tile" data-uid={uid}>
      <div ref={box} className="video" />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
