// Interactive live streaming written against Agora's Web SDK the way Agora's samples write it:
// "live" mode, hosts publish, the audience watches at a latency level, and anyone may go on stage
// (audience → host, then publish) or step down (host → audience) without leaving.

AgoraRTC.enableLogUpload();

const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
const localTracks = { audioTrack: null, videoTrack: null };
let options = { ...readJoinOptions(), role: 'audience', audienceLatency: 2 };

client.on('user-published', async (user, mediaType) => {
  await client.subscribe(user, mediaType);
  if (mediaType === 'video') user.videoTrack.play(addRemotePlayer(user.uid));
  if (mediaType === 'audio') user.audioTrack.play();
});
client.on('user-unpublished', (user, mediaType) => {
  if (mediaType === 'video') removeRemotePlayer(user.uid);
});
// In live mode the audience is invisible: user-left also fires when a host steps down.
client.on('user-left', (user) => removeRemotePlayer(user.uid));

document.getElementById('host-join').addEventListener('click', () => {
  options.role = 'host';
});
for (const [id, level] of [['audience-join', 1], ['audience-join-ultra', 2]]) {
  document.getElementById(id).addEventListener('click', () => {
    options.role = 'audience';
    options.audienceLatency = level;
    document.getElementById('join-form').requestSubmit();
  });
}

document.getElementById('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    options = { ...options, ...readJoinOptions() };
    await join();
    showStatus(`Joined ${options.channel} as ${options.role}`);
    setButtons(true);
  } catch (error) {
    console.error(error);
    showStatus(`Could not join: ${error.code} ${error.message}`);
  }
});

document.getElementById('go-live').addEventListener('click', async () => {
  await client.setClientRole('host');
  options.role = 'host';
  await publishCameraAndMicrophone();
  setButtons(true);
});

document.getElementById('leave-stage').addEventListener('click', async () => {
  // As Agora: turning audience unpublishes first; the tracks are ours to close.
  await client.setClientRole('audience', { level: options.audienceLatency });
  options.role = 'audience';
  closeLocalTracks(localTracks);
  setButtons(true);
});

document.getElementById('leave').addEventListener('click', () => leave());

async function join() {
  // Called before join and not awaited, exactly as Agora's samples do.
  if (options.role === 'audience') client.setClientRole(options.role, { level: options.audienceLatency });
  else client.setClientRole(options.role);
  options.uid = await client.join(options.appid, options.channel, options.token, options.uid);
  if (options.role === 'host') await publishCameraAndMicrophone();
}

async function publishCameraAndMicrophone() {
  localTracks.audioTrack = await AgoraRTC.createMicrophoneAudioTrack({ encoderConfig: 'music_standard' });
  localTracks.videoTrack = await AgoraRTC.createCameraVideoTrack();
  localTracks.videoTrack.play('local-player');
  document.getElementById('local-player-name').textContent = `uid: ${options.uid}`;
  await client.publish(Object.values(localTracks));
}

async function leave() {
  closeLocalTracks(localTracks);
  document.getElementById('remote-playerlist').replaceChildren();
  await client.leave();
  showStatus('Left the channel');
  setButtons(false);
}

function setButtons(joined) {
  document.getElementById('role').textContent = joined ? options.role : 'none';
  for (const id of ['host-join', 'audience-join', 'audience-join-ultra']) document.getElementById(id).disabled = joined;
  document.getElementById('leave').disabled = !joined;
  document.getElementById('go-live').disabled = !joined || options.role === 'host';
  document.getElementById('leave-stage').disabled = !joined || options.role === 'audience';
}
