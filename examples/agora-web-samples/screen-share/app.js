// Screen sharing written against Agora's Web SDK the way Agora's samples write it: a host opens
// the microphone and the screen (with the shared tab's sound when the person ticks it) at once and
// publishes them together, several audio tracks included; the audience watches.

AgoraRTC.enableLogUpload();

const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
const localTracks = { screenVideoTrack: null, audioTrack: null, screenAudioTrack: null };
let options = { ...readJoinOptions(), role: 'audience' };

client.on('user-published', async (user, mediaType) => {
  await client.subscribe(user, mediaType);
  if (mediaType === 'video') user.videoTrack.play(addRemotePlayer(user.uid), { fit: 'contain' });
  if (mediaType === 'audio') user.audioTrack.play();
});
client.on('user-unpublished', (user, mediaType) => {
  if (mediaType === 'video') removeRemotePlayer(user.uid);
});

document.getElementById('host-join').addEventListener('click', () => {
  options.role = 'host';
});
document.getElementById('audience-join').addEventListener('click', () => {
  options.role = 'audience';
  document.getElementById('join-form').requestSubmit();
});

document.getElementById('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    options = { ...options, ...readJoinOptions() };
    await join();
    showStatus(options.role === 'host' ? `Sharing: ${client.localTracks.length} tracks published` : 'Watching');
    document.getElementById('leave').disabled = false;
    document.getElementById('host-join').disabled = true;
    document.getElementById('audience-join').disabled = true;
  } catch (error) {
    console.error(error);
    showStatus(`Could not join: ${error.code} ${error.message}`);
  }
});

document.getElementById('leave').addEventListener('click', () => leave());

async function join() {
  client.setClientRole(options.role);
  options.uid = await client.join(options.appid, options.channel, options.token, options.uid);
  if (options.role === 'audience') return;
  let screenTrack;
  [localTracks.audioTrack, screenTrack] = await Promise.all([
    AgoraRTC.createMicrophoneAudioTrack({ encoderConfig: 'music_standard' }),
    AgoraRTC.createScreenVideoTrack({ encoderConfig: '720p' }, 'auto'),
  ]);
  if (Array.isArray(screenTrack)) [localTracks.screenVideoTrack, localTracks.screenAudioTrack] = screenTrack;
  else localTracks.screenVideoTrack = screenTrack;
  localTracks.screenVideoTrack.play('local-player');
  // The browser's own "Stop sharing" button ends the share.
  localTracks.screenVideoTrack.on('track-ended', () => {
    showStatus('The screen share ended');
    for (const track of Object.values(localTracks)) track?.close();
  });
  await client.publish(Object.values(localTracks).filter(Boolean));
}

async function leave() {
  closeLocalTracks(localTracks);
  document.getElementById('remote-playerlist').replaceChildren();
  await client.leave();
  showStatus('Left the channel');
  document.getElementById('leave').disabled = true;
  document.getElementById('host-join').disabled = false;
  document.getElementById('audience-join').disabled = false;
}
