// A video call written against Agora's Web SDK the way Agora's quick start writes one: create a
// client, play each remote user's tracks when they publish, join, then publish the microphone and
// the camera. Nothing here knows about Parley but the script tag in index.html.

AgoraRTC.setLogLevel(1);
AgoraRTC.enableLogUpload();

const client = AgoraRTC.createClient({ mode: 'rtc', codec: 'vp8' });
const localTracks = { audioTrack: null, videoTrack: null };
let options = readJoinOptions();

client.on('user-published', async (user, mediaType) => {
  await client.subscribe(user, mediaType);
  if (mediaType === 'video') user.videoTrack.play(addRemotePlayer(user.uid));
  if (mediaType === 'audio') user.audioTrack.play();
});
client.on('user-unpublished', (user, mediaType) => {
  if (mediaType === 'video') removeRemotePlayer(user.uid);
});
client.on('user-left', (user) => removeRemotePlayer(user.uid));

document.getElementById('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  document.getElementById('join').disabled = true;
  try {
    options = readJoinOptions();
    await join();
    showStatus(`Joined ${options.channel} as uid ${options.uid}`);
    document.getElementById('leave').disabled = false;
    document.getElementById('mute-audio').disabled = false;
    document.getElementById('mute-video').disabled = false;
  } catch (error) {
    console.error(error);
    showStatus(`Could not join: ${error.code} ${error.message}`);
    document.getElementById('join').disabled = false;
  }
});

document.getElementById('leave').addEventListener('click', () => leave());

document.getElementById('mute-audio').addEventListener('click', async (event) => {
  const muted = !localTracks.audioTrack.muted;
  await localTracks.audioTrack.setMuted(muted);
  event.target.textContent = muted ? 'Unmute microphone' : 'Mute microphone';
});

document.getElementById('mute-video').addEventListener('click', async (event) => {
  const enabled = !localTracks.videoTrack.enabled;
  await localTracks.videoTrack.setEnabled(enabled);
  event.target.textContent = enabled ? 'Turn camera off' : 'Turn camera on';
});

async function join() {
  options.uid = await client.join(options.appid, options.channel, options.token, options.uid);
  [localTracks.audioTrack, localTracks.videoTrack] = await AgoraRTC.createMicrophoneAndCameraTracks(
    { encoderConfig: 'music_standard' },
    { encoderConfig: '480p_1' },
  );
  localTracks.videoTrack.play('local-player');
  document.getElementById('local-player-name').textContent = `uid: ${options.uid}`;
  await client.publish(Object.values(localTracks));
}

async function leave() {
  closeLocalTracks(localTracks);
  document.getElementById('remote-playerlist').replaceChildren();
  await client.leave();
  showStatus('Left the channel');
  document.getElementById('join').disabled = false;
  document.getElementById('leave').disabled = true;
  document.getElementById('mute-audio').disabled = true;
  document.getElementById('mute-video').disabled = true;
}
