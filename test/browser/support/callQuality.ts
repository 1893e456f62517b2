/**
 * How well one direction of a call carries media over a stretch of time, by the SDK's own
 * statistics (updated every second) on both ends: frames the publisher encoded against frames
 * the subscriber decoded, the subscriber's video freezes, and how much of the sound it played had
 * to be made up (concealed, silence excepted) for packets lost or late.
 */
import type { Page } from 'playwright-core';

export interface DirectionCounters {
  at: number;
  framesEncoded: number;
  framesDecoded: number;
  freezeSeconds: number;
  freezeCount: number;
  audioSeconds: number;
  audioConcealedSeconds: number;
}

export interface DirectionQuality {
  seconds: number;
  sentFps: number;
  decodedFps: number;
  /** Frames decoded per frame sent, 0 to 1 (a little above 1 when the two ends sampled apart). */
  decodedShare: number;
  /** Share of the time the video stood frozen, 0 to 1. */
  freezeRate: number;
  freezes: number;
  /** Share of the sound played that was concealment, 0 to 1. */
  audioConcealedShare: number;
  /** Seconds of sound played per second (1 when the sound never stopped). */
  audioPlayout: number;
}

/** The counters of what `publisher` sends and `subscriber` makes of it (`publisherUid`'s tracks). */
export async function directionCounters(publisher: Page, subscriber: Page, publisherUid: number | string): Promise<DirectionCounters> {
  const [framesEncoded, received] = await Promise.all([
    publisher.evaluate(() => window.client.getLocalVideoStats().framesEncoded as number),
    subscriber.evaluate((uid) => {
      const video = window.client.getRemoteVideoStats()[uid];
      const audio = window.client.getRemoteAudioStats()[uid];
      return {
        framesDecoded: video?.framesDecoded ?? 0,
        freezeSeconds: video?.totalFreezeTime ?? 0,
        freezeCount: video?.freezeCount ?? 0,
        // 48 kHz Opus, as every browser decodes it.
        audioSeconds: (audio?.totalSamplesReceived ?? 0) / 48_000,
        audioConcealedSeconds: audio?.totalFreezeTime ?? 0,
      };
    }, publisherUid),
  ]);
  return { at: Date.now(), framesEncoded, ...received };
}

export function directionQuality(from: DirectionCounters, to: DirectionCounters): DirectionQuality {
  const seconds = (to.at - from.at) / 1000;
  const sent = to.framesEncoded - from.framesEncoded;
  const decoded = to.framesDecoded - from.framesDecoded;
  const audioSeconds = to.audioSeconds - from.audioSeconds;
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    seconds: round(seconds),
    sentFps: round(sent / seconds),
    decodedFps: round(decoded / seconds),
    decodedShare: sent > 0 ? round(decoded / sent) : 0,
    freezeRate: round((to.freezeSeconds - from.freezeSeconds) / seconds),
    freezes: to.freezeCount - from.freezeCount,
    audioConcealedShare: audioSeconds > 0 ? round((to.audioConcealedSeconds - from.audioConcealedSeconds) / audioSeconds) : 0,
    audioPlayout: round(audioSeconds / seconds),
  };
}
