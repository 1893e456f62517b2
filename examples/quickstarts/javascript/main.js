// Parley quickstart in plain JavaScript: join a channel, publish your camera and microphone,
// and show a tile for everyone else who publishes video.
import ParleyRTC from '@parley/rtc-sdk';

const form = document.getElementById('join-form');
const joinButton = document.getElementById('join');
const leaveButton = document.getElementById('leave');
const muteAudioButton = document.getElementById('mute-audio');
const muteVideoButton = document.getElementById('mute-video');
const videos = document.getElementById('videos');
const status = document.getElementById('status');

// The server this app was built for (VITE_PARLEY_SERVER in .env), else the page's own origin:
// right when the Parley server serves this page.
form.server.value = import.meta.env.VITE_PARLEY_SERVER || location.origin;

let client = null;
let microphone = null;
let camera = null;

/** The tile that shows one remote user's video, made on first use. */
function remoteTile(uid) {
  let tile = videos.querySelector(`[data-uid="${uid}"]`);
  if (!tile) {
    tile = document.createElement('figure');
    tile.className = 'tile';
    tile.dataset.uid = uid;
    tile.innerHTML = '<div class="video"></div><figcaption></figcaption>';
    tile.querySelector('figcaption').textContent = `User ${uid}`;
    videos.append(tile);
  }
  return tile.querySelector('.video');
}

function setJoined(joined) {
  joinButton.disabled = joined;
  leaveButton.disabled = !joined;
  muteAudioButton.disabled = !joined;
  muteVideoButton.disabled = !joined;
  muteAudioButton.textContent = 'Mute mic';
  muteVideoButton.textContent = 'Turn camera off';
}

async function join() {
  const { server, appId, channel, token, uid } = Object.fromEntries(new FormData(form));
  client = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8', server });

  // Listen before joining: people already in the channel are announced during join().
  client.on('user-published', async (user, mediaType) => {
    await client.subscribe(user, mediaType);
    if (mediaType === 'video') user.videoTrack.play(remoteTile(user.uid));
    if (mediaType === 'audio') user.audioTrack.play();
  });
  client.on('user-left', (user) => videos.querySelector(`[data-uid="${user.uid}"]`)?.remove());

  // A token is made for one uid: digits are a number uid, anything else a string account.
  const userId = uid === '' ? null : /^\d+$/.test(uid) ? Number(uid) : uid;
  const joinedAs = await client.join(appId, channel, token || null, userId);

  // One permission prompt for both devices.
  [microphone, camera] = await ParleyRTC.createMicrophoneAndCameraTracks();
  camera.play('local-video');
  await client.publish([microphone, camera]);
  status.textContent = `Joined ${channel} as user ${joinedAs}`;
}

async function leave() {
  // Closing the tracks releases the camera and microphone (the camera light goes off).
  microphone?.close();
  camera?.close();
  microphone = camera = null;
  await client?.leave();
  client = null;
  videos.querySelectorAll('[data-uid]').forEach((tile) => tile.remove());
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  setJoined(true);
  status.textContent = 'Joining…';
  try {
    await join();
  } catch (error) {
    // A ParleyRTCError's code says why: invalid_token, token_expired, PERMISSION_DENIED…
    status.textContent = `Could not join: ${error.code ?? ''} ${error.message}`;
    await leave();
    setJoined(false);
  }
});

leaveButton.addEventListener('click', async () => {
  await leave();
  setJoined(false);
  status.textContent = 'Left the channel';
});

// Muting keeps the track published, so unmuting is instant; the others see the change.
muteAudioButton.addEventListener('click', async () => {
  await microphone.setMuted(!microphone.muted);
  muteAudioButton.textContent = microphone.muted ? 'Unmute mic' : 'Mute mic';
});
muteVideoButton.addEventListener('click', async () => {
  await camera.setMuted(!camera.muted);
  muteVideoButton.textContent = camera.muted ? 'Turn camera on' : 'Turn camera off';
});
