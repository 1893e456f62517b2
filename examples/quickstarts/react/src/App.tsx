// Parley quickstart in React: join a channel, publish your camera and microphone, and show a tile
// for everyone else in it. The call lives in the useCall hook; this component is the form and the tiles.
import { useState, type FormEvent } from 'react';
import { useCall } from './useCall.ts';
import { VideoPlayer } from './VideoPlayer.tsx';

// The server this app was built for (VITE_PARLEY_SERVER in .env), else the page's own origin:
// right when the Parley server serves this page.
const DEFAULT_SERVER = import.meta.env.VITE_PARLEY_SERVER || location.origin;

export function App() {
  const { call, remoteUsers, join, leave } = useCall();
  const [status, setStatus] = useState('');
  const [micMuted, setMicMuted] = useState(false);
  const [cameraMuted, setCameraMuted] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const field = (name: string) => String(new FormData(event.currentTarget).get(name) ?? '');
    const [channel, uid] = [field('channel'), field('uid')];
    setBusy(true);
    setStatus('Joining…');
    try {
      await join({
        server: field('server'),
        appId: field('appId'),
        channel,
        token: field('token') || null,
        // A token is made for one uid: digits are a number uid, anything else a string account.
        uid: uid === '' ? null : /^\d+$/.test(uid) ? Number(uid) : uid,
      });
      setStatus(`Joined ${channel}`);
    } catch (error) {
      // A ParleyRTCError's code says why: invalid_token, token_expired, PERMISSION_DENIED…
      const { code = '', message } = error as { code?: string; message: string };
      setStatus(`Could not join: ${code} ${message}`);
    } finally {
      setBusy(false);
    }
  }

  function onLeave() {
    leave();
    setMicMuted(false);
    setCameraMuted(false);
    setStatus('Left the channel');
  }

  // Muting keeps the track published, so unmuting is instant; the others see the change.
  async function toggleMic() {
    await call?.microphone.setMuted(!micMuted);
    setMicMuted(!micMuted);
  }
  async function toggleCamera() {
    await call?.camera.setMuted(!cameraMuted);
    setCameraMuted(!cameraMuted);
  }

  return (
    <>
      <h1>Parley quickstart: React</h1>
      <form onSubmit={onSubmit}>
        <label>Server URL <input name="server" required defaultValue={DEFAULT_SERVER} /></label>
        <label>App ID <input name="appId" required /></label>
        <label>Channel <input name="channel" required /></label>
        <label>Token <input name="token" /></label>
        <label>User ID <input name="uid" placeholder="empty: the server picks one" /></label>
        <div className="buttons">
          <button id="join" type="submit" disabled={busy || call !== null}>Join</button>
          <button id="leave" type="button" disabled={!call} onClick={onLeave}>Leave</button>
          <button id="mute-audio" type="button" disabled={!call} onClick={toggleMic}>{micMuted ? 'Unmute mic' : 'Mute mic'}</button>
          <button id="mute-video" type="button" disabled={!call} onClick={toggleCamera}>{cameraMuted ? 'Turn camera on' : 'Turn camera off'}</button>
        </div>
      </form>
      <p id="status" role="status">{status}</p>
      <div id="videos">
        <VideoPlayer track={call?.camera} label="You" />
        {remoteUsers.map((user) => (
          <VideoPlayer key={user.uid} track={user.videoTrack} label={`User ${user.uid}`} uid={user.uid} />
        ))}
      </div>
    </>
  );
}
