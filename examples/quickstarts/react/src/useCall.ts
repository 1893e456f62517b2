import { useEffect, useState } from 'react';
import ParleyRTC, { type LocalAudioTrack, type LocalVideoTrack, type ParleyClient, type RemoteUser } from '@parley/rtc-sdk';

export interface JoinOptions {
  server: string;
  appId: string;
  channel: string;
  token: string | null;
  uid: number | string | null;
}

interface Call {
  client: ParleyClient;
  microphone: LocalAudioTrack;
  camera: LocalVideoTrack;
}

/** A call's state for React: join() starts one, leave() ends it, and so does unmounting. */
export function useCall() {
  const [call, setCall] = useState<Call | null>(null);
  const [remoteUsers, setRemoteUsers] = useState<RemoteUser[]>([]);

  // The one place a call ends: leave() clears `call`, and React runs this cleanup.
  useEffect(() => {
    if (!call) return;
    return () => {
      call.microphone.close();
      call.camera.close();
      void call.client.leave();
      setRemoteUsers([]);
    };
  }, [call]);

  async function join({ server, appId, channel, token, uid }: JoinOptions) {
    const client = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8', server });
    // The SDK updates a user object in place, so each event puts a new list in state to re-render.
    const withoutUser = (users: RemoteUser[], user: RemoteUser) => users.filter((other) => other.uid !== user.uid);
    client.on('user-published', async (user, mediaType) => {
      await client.subscribe(user, mediaType);
      if (mediaType === 'audio') user.audioTrack?.play();
      setRemoteUsers((users) => [...withoutUser(users, user), user]);
    });
    client.on('user-unpublished', () => setRemoteUsers((users) => [...users]));
    client.on('user-left', (user) => setRemoteUsers((users) => withoutUser(users, user)));

    let tracks: [LocalAudioTrack, LocalVideoTrack] | undefined;
    try {
      await client.join(appId, channel, token, uid);
      tracks = await ParleyRTC.createMicrophoneAndCameraTracks(); // one permission prompt for both
      await client.publish(tracks);
      setCall({ client, microphone: tracks[0], camera: tracks[1] });
    } catch (error) {
      tracks?.forEach((track) => track.close());
      await client.leave();
      throw error;
    }
  }

  return { call, remoteUsers, join, leave: () => setCall(null) };
}
