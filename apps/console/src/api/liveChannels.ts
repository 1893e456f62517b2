/**
 * The live channels of a project, pushed by the server as server-sent events (see
 * `LIVE_CHANNELS_PATH` in @parley/protocol): a fresh list after every join, leave and publish
 * change, so the page never polls. EventSource reconnects by itself after a dropped connection.
 */
import { useEffect, useState } from 'react';
import { LIVE_CHANNELS_EVENT, LIVE_CHANNELS_PATH, type LiveChannels } from '@parley/protocol';
import { pathOf } from './client.ts';

export type LiveState =
  | { state: 'connecting'; channels?: undefined }
  | { state: 'open' | 'reconnecting'; channels: LiveChannels['channels'] }
  | { state: 'failed'; channels?: undefined };

export function useLiveChannels(appId: string): LiveState {
  const [live, setLive] = useState<LiveState>({ state: 'connecting' });
  useEffect(() => {
    setLive({ state: 'connecting' });
    const source = new EventSource(pathOf(LIVE_CHANNELS_PATH, { projectId: appId }));
    source.addEventListener(LIVE_CHANNELS_EVENT, (event) => {
      const { channels } = JSON.parse((event as MessageEvent<string>).data) as LiveChannels;
      setLive({ state: 'open', channels });
    });
    source.onerror = () => {
      // CLOSED means the server refused (signed out, no such project); otherwise it is retrying.
      setLive((previous) => source.readyState === EventSource.CLOSED ? { state: 'failed' } : previous.channels ? { state: 'reconnecting', channels: previous.channels } : previous);
    };
    return () => source.close();
  }, [appId]);
  return live;
}
