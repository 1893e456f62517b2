/**
 * The console's live view of a project: every channel with people in it (as getChannel describes
 * it), sent at once and again after each join, leave, publish or unpublish in the project, at
 * most every COALESCE_MS and only when something changed.
 *
 * Changes are heard from the rtc module's domain events, which are this node's own. A roster check
 * every RESYNC_MS (participant directory reads, no store) catches what they miss: people on the
 * other nodes of a scale-out, and mutes, which announce no event.
 */
import type { Channel, DomainEventType, LiveChannels } from '@parley/protocol';
import type { ChannelService } from '../channels/service.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log/logger.ts';

export const COALESCE_MS = 250;
export const RESYNC_MS = 2_000;

/** The events that change who is in a channel or what they publish. */
const CHANGES = ['participant.joined', 'participant.left', 'track.published', 'track.unpublished'] as const satisfies readonly DomainEventType[];

export interface LiveChannelsDeps {
  events: Pick<EventBus, 'on'>;
  channels: Pick<ChannelService, 'liveChannels' | 'liveRoster'>;
  log: Logger;
}

export interface LiveChannelsTiming {
  coalesceMs: number;
  resyncMs: number;
}

/** Who is in which channel and what they publish, comparable between a full read and a roster read. */
function rosterKey(channels: ReadonlyArray<{ channel: string; participants: readonly Channel['participants'][number][] }>): string {
  return JSON.stringify(channels.map(({ channel, participants }) => [channel, [...participants].sort((a, b) => (String(a.uid) < String(b.uid) ? -1 : 1))]));
}

/** Sends `appId`'s live channels to `send` until the function it returns is called. */
export function watchLiveChannels(
  deps: LiveChannelsDeps,
  appId: string,
  send: (data: LiveChannels) => void,
  timing: LiveChannelsTiming = { coalesceMs: COALESCE_MS, resyncMs: RESYNC_MS },
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let changedWhileReading = false;
  let sent: string | undefined;
  let roster: string | undefined;

  const failed = (error: unknown) => deps.log.warn({ err: error, appId }, 'live channels read failed; trying again at the next change');

  const refresh = async () => {
    const channels = await deps.channels.liveChannels(appId);
    roster = rosterKey(channels);
    const body = JSON.stringify(channels);
    if (stopped || body === sent) return;
    sent = body;
    send({ channels });
  };
  const run = () => {
    timer = undefined;
    if (reading) return void (changedWhileReading = true);
    reading = true;
    void refresh()
      .catch(failed)
      .finally(() => {
        reading = false;
        if (changedWhileReading) {
          changedWhileReading = false;
          schedule();
        }
      });
  };
  // One read for every change within the window: a burst of joins becomes one event.
  const schedule = () => {
    if (!stopped && !timer) timer = setTimeout(run, timing.coalesceMs);
  };

  const unsubscribe = CHANGES.map((type) => deps.events.on(type, (event) => void (event.appId === appId && schedule())));
  const resync = setInterval(() => {
    deps.channels.liveRoster(appId).then((current) => void (rosterKey(current) !== roster && schedule()), failed);
  }, timing.resyncMs);
  resync.unref();
  run();

  return () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(resync);
    for (const off of unsubscribe) off();
  };
}
