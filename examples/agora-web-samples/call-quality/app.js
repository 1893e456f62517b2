// A call-statistics page written against Agora's Web SDK the way Agora's "display call stats"
// sample writes it: join, publish, then every second show the session's, the local tracks' and
// each remote user's statistics, with network quality and the loudest speaker beside them.

AgoraRTC.enableLogUpload();
AgoraRTC.setLogLevel(1);

const client = AgoraRTC.createClient({ mode: 'rtc', codec: 'vp8' });
const localTracks = { videoTrack: null, audioTrack: null };
const remoteUsers = {};
let options = readJoinOptions();
let statsInterval;

document.getElementById('supported').textContent = String(AgoraRTC.checkSystemRequirements());
AgoraRTC.getSupportedCodec().then((codecs) => {
  document.getElementById('codecs').textContent = codecs.video.join(', ');
});

client.on('user-published', async (user, mediaType) => {
  remoteUsers[user.uid] = user;
  await client.subscribe(user, mediaType);
  if (mediaType === 'video') user.videoTrack.play(addRemotePlayer(user.uid));
  if (mediaType === 'audio') user.audioTrack.play();
});
client.on('user-unpublished', (user, mediaType) => {
  if (mediaType !== 'video') return;
  delete remoteUsers[user.uid];
  removeRemotePlayer(user.uid);
});
// Uplink and downlink, 0 (unknown) to 6 (down), every 2 seconds.
client.on('network-quality', (quality) => {
  document.getElementById('uplink').textContent = quality.uplinkNetworkQuality;
  document.getElementById('downlink').textContent = quality.downlinkNetworkQuality;
});
client.enableAudioVolumeIndicator();
client.on('volume-indicator', (volumes) => {
  const loudest = volumes.reduce((best, volume) => (volume.level > (best?.level ?? -1) ? volume : best), undefined);
  if (loudest) document.getElementById('loudest').textContent = `${loudest.uid} (${Math.round(loudest.level)})`;
});

document.getElementById('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  document.getElementById('join').disabled = true;
  try {
    options = readJoinOptions();
    await join();
    showStatus(`Joined ${options.channel} as uid ${options.uid}`);
    document.getElementById('leave').disabled = false;
  } catch (error) {
    console.error(error);
    showStatus(`Could not join: ${error.code} ${error.message}`);
    document.getElementById('join').disabled = false;
  }
});

document.getElementById('leave').addEventListener('click', () => leave());

async function join() {
  options.uid = await client.join(options.appid, options.channel, options.token, options.uid);
  localTracks.audioTrack = await AgoraRTC.createMicrophoneAudioTrack({ encoderConfig: 'music_standard' });
  localTracks.videoTrack = await AgoraRTC.createCameraVideoTrack();
  localTracks.videoTrack.play('local-player');
  document.getElementById('local-player-name').textContent = `uid: ${options.uid}`;
  await client.publish(Object.values(localTracks));
  statsInterval = setInterval(flushStats, 1000);
}

async function leave() {
  clearInterval(statsInterval);
  closeLocalTracks(localTracks);
  document.getElementById('remote-playerlist').replaceChildren();
  await client.leave();
  showStatus('Left the channel');
  document.getElementById('join').disabled = false;
  document.getElementById('leave').disabled = true;
}

function flushStats() {
  const session = client.getRTCStats();
  showStats(document.getElementById('client-stats'), [
    ['Users in the channel', session.UserCount, ''],
    ['Time in the channel', session.Duration, 's'],
    ['Receiving bitrate', session.RecvBitrate, 'bps'],
    ['Sending bitrate', session.SendBitrate, 'bps'],
    ['Bytes received', session.RecvBytes, 'bytes'],
    ['Bytes sent', session.SendBytes, 'bytes'],
    ['Outgoing available bandwidth', session.OutgoingAvailableBandwidth.toFixed(3), 'kbps'],
    ['Round-trip time', session.RTT, 'ms'],
  ]);

  const video = client.getLocalVideoStats();
  const audio = client.getLocalAudioStats();
  showStats(document.getElementById('local-stats'), [
    ['Audio sending bitrate', audio.sendBitrate, 'bps'],
    ['Audio bytes sent', audio.sendBytes, 'bytes'],
    ['Audio packets sent', audio.sendPackets, ''],
    ['Audio packets lost', audio.sendPacketsLost, ''],
    ['Capture width', video.captureResolutionWidth, ''],
    ['Capture height', video.captureResolutionHeight, ''],
    ['Send width', video.sendResolutionWidth, ''],
    ['Send height', video.sendResolutionHeight, ''],
    ['Encode delay', Number(video.encodeDelay).toFixed(2), 'ms'],
    ['Video sending bitrate', video.sendBitrate, 'bps'],
    ['Video bytes sent', video.sendBytes, 'bytes'],
    ['Video packets sent', video.sendPackets, ''],
    ['Video packets lost', video.sendPacketsLost, ''],
    ['Video duration', video.totalDuration, 's'],
    ['Video freeze time', video.totalFreezeTime, 's'],
  ]);

  const remoteVideo = client.getRemoteVideoStats();
  const remoteAudio = client.getRemoteAudioStats();
  for (const uid of Object.keys(remoteUsers)) {
    const list = document.querySelector(`#player-wrapper-${uid} .track-stats`);
    const v = remoteVideo[uid];
    const a = remoteAudio[uid];
    if (!list || !v || !a) continue;
    showStats(list, [
      ['Audio delay', Number(a.receiveDelay).toFixed(2), 'ms'],
      ['Video delay', Number(v.receiveDelay).toFixed(2), 'ms'],
      ['Audio bytes received', a.receiveBytes, 'bytes'],
      ['Audio packets received', a.receivePackets, ''],
      ['Audio packets lost', a.receivePacketsLost, ''],
      ['Audio packet loss rate', Number(a.packetLossRate).toFixed(3), '%'],
      ['Received width', v.receiveResolutionWidth, ''],
      ['Received height', v.receiveResolutionHeight, ''],
      ['Video receiving bitrate', v.receiveBitrate, 'bps'],
      ['Video bytes received', v.receiveBytes, 'bytes'],
      ['Video packets received', v.receivePackets, ''],
      ['Video packets lost', v.receivePacketsLost, ''],
      ['Video duration', v.totalDuration, 's'],
      ['Video freeze time', v.totalFreezeTime, 's'],
      ['Video freeze rate', Number(v.freezeRate).toFixed(3), '%'],
    ]);
  }
}
