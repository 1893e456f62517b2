/*
 * The demo call page's logic, on the global ParleyRTC from /sdk/parley-rtc.js: get a token for
 * the demo project from POST /call/token, join, publish the camera and microphone, subscribe to
 * everyone who publishes, and show a tile per person.
 *
 * The display name is the user's string uid, so two tabs need two names: a random default is
 * kept per tab (sessionStorage), never shared between tabs (the same uid joining twice replaces
 * the first connection).
 */
'use strict';

(function () {
  // The protocol's own rules, served as /call/protocol.js from @parley/protocol.
  const PROTOCOL = window.ParleyProtocol;
  const CHANNEL_PATTERN = new RegExp(PROTOCOL.CHANNEL_NAME_PATTERN);
  const RULE = '1–63 characters: letters, digits, space and ' + PROTOCOL.CHANNEL_NAME_PUNCTUATION;
  const DEV_ONLY = 'The demo project mints tokens only when the server runs in dev mode (npm start). Signed in to the console? Open a project\u2019s \u201cTry a call\u201d page.';
  // `?appId=` (from the console's "Try a call"): tokens for that project, minted with the
  // signed-in console session; without it, the dev-mode demo project's token route.
  const params = new URLSearchParams(location.search);
  const projectAppId = params.get('appId');
  const STATE_LABELS = {
    DISCONNECTED: 'not connected',
    CONNECTING: 'connecting…',
    CONNECTED: 'connected',
    RECONNECTING: 'reconnecting…',
    DISCONNECTING: 'leaving…',
  };
  const DISCONNECT_MESSAGES = {
    NETWORK_ERROR: 'The connection to the server was lost and could not be restored.',
    SERVER_ERROR: 'The server refused to let you join.',
    UID_BANNED: 'You were removed from the channel.',
    TOKEN_EXPIRED: 'Your access token expired.',
    REPLACED: 'Someone joined with the same name in another tab or window, so this one left the call.',
    SERVER_KICKED: 'The server ended the call.',
  };

  const $ = (id) => document.getElementById(id);
  const form = $('join-form');
  const channelInput = $('channel');
  const nameInput = $('display-name');
  const joinButton = $('join-button');
  const joinPanel = $('join-panel');
  const callPanel = $('call-panel');
  const grid = $('grid');
  const micButton = $('mic-button');
  const cameraButton = $('camera-button');
  const leaveButton = $('leave-button');
  const statusBox = $('status');
  const stateLabel = $('connection-state');
  const tileTemplate = $('tile-template');
  // The hint lists the protocol's own characters (the page's copy is only a no-script fallback).
  $('channel-hint').querySelector('code').textContent = PROTOCOL.CHANNEL_NAME_PUNCTUATION;

  /** @type {any} */
  let client = null;
  /** @type {any} */
  let microphone = null;
  /** @type {any} */
  let camera = null;
  let channel = '';
  let localName = '';

  // ------------------------------------------------------------------ status and validation

  function showStatus(message, kind) {
    statusBox.textContent = message || '';
    statusBox.className = 'status' + (kind ? ' ' + kind : '');
  }

  function setFieldError(input, errorId, message) {
    const error = $(errorId);
    error.textContent = message || '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  function validate(input, errorId, what) {
    const value = input.value.trim();
    let message = '';
    if (!value) message = 'Enter a ' + what + '.';
    else if (!CHANNEL_PATTERN.test(value)) message = 'The ' + what + ' must be ' + RULE + '.';
    setFieldError(input, errorId, message);
    return message ? null : value;
  }

  // ------------------------------------------------------------------ tiles

  function tileId(uid) {
    return 'tile-' + encodeURIComponent(String(uid));
  }

  function displayName(uid) {
    return typeof uid === 'number' ? 'User ' + uid : uid;
  }

  function initials(name) {
    const words = String(name).trim().split(/\s+/).filter(Boolean);
    return (words.length > 1 ? words[0][0] + words[1][0] : String(name).slice(0, 2)).toUpperCase();
  }

  function ensureTile(uid, isLocal) {
    let tile = document.getElementById(tileId(uid));
    if (tile) return tile;
    tile = tileTemplate.content.firstElementChild.cloneNode(true);
    tile.id = tileId(uid);
    const name = displayName(uid) + (isLocal ? ' (you)' : '');
    tile.querySelector('.name').textContent = name;
    tile.querySelector('.initials').textContent = initials(displayName(uid));
    tile.setAttribute('aria-label', name);
    if (isLocal) {
      tile.classList.add('local');
      grid.prepend(tile);
    } else {
      grid.append(tile);
    }
    updateGridSize();
    return tile;
  }

  function removeTile(uid) {
    const tile = document.getElementById(tileId(uid));
    if (tile) tile.remove();
    updateGridSize();
  }

  function updateGridSize() {
    grid.dataset.count = String(grid.children.length);
  }

  /** Shows the video or the placeholder, and the muted badges, from what we know of a person. */
  function renderTile(uid, state) {
    const tile = ensureTile(uid, state.isLocal);
    tile.classList.toggle('has-video', state.videoOn);
    tile.querySelector('.mic-off').hidden = state.audioOn;
    tile.querySelector('.camera-off').hidden = state.videoOn;
  }

  function renderRemote(user) {
    renderTile(user.uid, {
      isLocal: false,
      audioOn: user.hasAudio && !user.audioMuted,
      videoOn: user.hasVideo && !user.videoMuted && Boolean(user.videoTrack),
    });
  }

  function renderLocal() {
    renderTile(localName, {
      isLocal: true,
      audioOn: Boolean(microphone && microphone.enabled),
      videoOn: Boolean(camera && camera.enabled),
    });
    micButton.disabled = !microphone;
    cameraButton.disabled = !camera;
    const micMuted = !microphone || !microphone.enabled;
    const cameraOff = !camera || !camera.enabled;
    micButton.setAttribute('aria-pressed', String(Boolean(microphone) && micMuted));
    micButton.textContent = !microphone ? 'No microphone' : micMuted ? 'Unmute microphone' : 'Mute microphone';
    cameraButton.setAttribute('aria-pressed', String(Boolean(camera) && cameraOff));
    cameraButton.textContent = !camera ? 'No camera' : cameraOff ? 'Turn camera on' : 'Turn camera off';
  }

  // ------------------------------------------------------------------ joining

  function fetchToken(channelName, uid) {
    return projectAppId ? fetchProjectToken(projectAppId, channelName, uid) : fetchDemoToken(channelName, uid);
  }

  async function request(url, init) {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new Error('Could not reach the Parley server: is it still running?', { cause: error });
    }
  }

  /** A token for the console's project: the session's CSRF token, then the v1 token operation. */
  async function fetchProjectToken(appId, channelName, uid) {
    const session = await request('/v1/console/session', { credentials: 'same-origin' });
    if (session.status === 401) throw new Error('Sign in to the console (/console) to call with this project.');
    const { csrfToken } = (await readAnswer(session)).data;
    const minted = await request('/v1/projects/' + encodeURIComponent(appId) + '/tokens', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ channel: channelName, uid: uid, role: 'publisher', expireSeconds: 3600 }),
    });
    const { data } = await readAnswer(minted);
    return { appId: appId, token: data.token, uid: data.uid };
  }

  async function fetchDemoToken(channelName, uid) {
    const response = await request('/call/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: channelName, uid: uid }),
    });
    if (response.status === 403 || response.status === 404) throw new Error(DEV_ONLY);
    const body = await readAnswer(response);
    // Accept the data bare or inside the API's {code, message, data} envelope.
    const data = body && body.data ? body.data : body;
    if (!data || !data.appId || !data.token) throw new Error('The server sent no token.');
    return data;
  }

  /** The answer's JSON, or an Error in the server's words. */
  async function readAnswer(response) {
    let body;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      const reason = body && (body.details && body.details.reason ? body.details.reason : body.message);
      throw new Error('Could not get a token: ' + (reason || 'HTTP ' + response.status));
    }
    return body;
  }

  function mediaProblem(error) {
    const code = error && error.code;
    if (code === 'PERMISSION_DENIED') return 'access to the camera and microphone was denied';
    if (code === 'DEVICE_NOT_FOUND') return 'no camera or microphone was found';
    if (code === 'NOT_READABLE') return 'the camera or microphone is in use by another application';
    if (code === 'NOT_SUPPORTED') return 'this browser cannot use the camera here (it needs https:// or localhost)';
    return 'the camera and microphone could not be opened (' + (error && error.message ? error.message : error) + ')';
  }

  /** Opens both devices; if that fails, each on its own, so a machine without a camera can still talk. */
  async function openDevices() {
    try {
      const tracks = await ParleyRTC.createMicrophoneAndCameraTracks();
      return { audio: tracks[0], video: tracks[1], problem: null };
    } catch (error) {
      const [audio, video] = await Promise.all([
        ParleyRTC.createMicrophoneAudioTrack().catch(() => null),
        ParleyRTC.createCameraVideoTrack().catch(() => null),
      ]);
      return { audio: audio, video: video, problem: mediaProblem(error) };
    }
  }

  async function join(channelName, name) {
    joinButton.disabled = true;
    showStatus('Getting a token…');
    let credentials;
    try {
      credentials = await fetchToken(channelName, name);
    } catch (error) {
      joinButton.disabled = false;
      showStatus(error.message, 'error');
      return;
    }

    channel = channelName;
    localName = credentials.uid;
    client = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
    listen(client);
    showStatus('Joining ' + channelName + '…');
    try {
      await client.join(credentials.appId, channelName, credentials.token, credentials.uid);
    } catch (error) {
      client = null;
      joinButton.disabled = false;
      showStatus('Could not join: ' + error.message + (error.code ? ' (' + error.code + ')' : ''), 'error');
      return;
    }

    $('call-channel').textContent = channelName;
    joinPanel.hidden = true;
    callPanel.hidden = false;
    joinButton.disabled = false;
    history.replaceState(null, '', '/call?' + new URLSearchParams(projectAppId ? { appId: projectAppId, channel: channelName } : { channel: channelName }).toString());
    renderLocal();
    // The form (and its focused Join button) just disappeared: keep keyboard users in the call.
    $('call-title').focus();

    showStatus('Opening your camera and microphone…');
    const devices = await openDevices();
    if (!client) {
      // Left while the devices were opening.
      if (devices.audio) devices.audio.close();
      if (devices.video) devices.video.close();
      return;
    }
    microphone = devices.audio;
    camera = devices.video;
    const tracks = [microphone, camera].filter(Boolean);
    if (camera) camera.play(ensureTile(localName, true).querySelector('.media'));
    renderLocal();
    if (tracks.length === 0) {
      showStatus('You joined as a viewer: ' + devices.problem + '. The others cannot see or hear you.', 'warning');
      return;
    }
    try {
      await client.publish(tracks);
    } catch (error) {
      showStatus('Could not send your camera and microphone: ' + error.message, 'error');
      return;
    }
    if (devices.problem) {
      showStatus('You joined ' + (microphone ? 'without a camera' : 'without a microphone') + ': ' + devices.problem + '.', 'warning');
    } else {
      showStatus('You are in the call. Open this page in another tab to add someone.');
    }
  }

  function listen(current) {
    current.on('connection-state-change', (state, previous, reason) => {
      if (current !== client) return;
      stateLabel.textContent = STATE_LABELS[state] || state;
      if (state === 'RECONNECTING') showStatus('Connection lost, reconnecting…', 'warning');
      if (state === 'CONNECTED' && previous === 'RECONNECTING') showStatus('Reconnected.');
      if (state === 'DISCONNECTED' && reason && reason !== 'LEAVE') {
        endCall();
        showStatus(DISCONNECT_MESSAGES[reason] || 'You left the call (' + reason + ').', 'error');
      }
    });
    current.on('user-joined', (user) => renderRemote(user));
    current.on('user-published', async (user, mediaType) => {
      try {
        const track = await current.subscribe(user, mediaType);
        if (mediaType === 'video') track.play(ensureTile(user.uid, false).querySelector('.media'), { fit: 'cover' });
        else track.play();
      } catch (error) {
        // The user may have unpublished or left meanwhile; anything else is worth saying.
        if (error.code !== 'REMOTE_USER_IS_NOT_PUBLISHED' && error.code !== 'INVALID_REMOTE_USER' && error.code !== 'OPERATION_ABORTED') {
          showStatus('Could not receive ' + displayName(user.uid) + '\u2019s ' + mediaType + ': ' + error.message, 'error');
        }
      }
      renderRemote(user);
    });
    current.on('user-unpublished', (user) => renderRemote(user));
    current.on('user-info-updated', (uid) => {
      const user = current.remoteUsers.find((candidate) => String(candidate.uid) === String(uid));
      if (user) renderRemote(user);
    });
    current.on('user-left', (user) => removeTile(user.uid));
    current.on('token-privilege-will-expire', async () => {
      try {
        const fresh = await fetchToken(channel, localName);
        await current.renewToken(fresh.token);
      } catch (error) {
        showStatus('Could not renew the access token: ' + error.message, 'warning');
      }
    });
    current.on('exception', (error) => showStatus('Media problem: ' + error.message, 'warning'));
  }

  /** Back to the join form; closes the devices. */
  function endCall() {
    client = null;
    if (microphone) microphone.close();
    if (camera) camera.close();
    microphone = camera = null;
    grid.replaceChildren();
    updateGridSize();
    callPanel.hidden = true;
    joinPanel.hidden = false;
    stateLabel.textContent = STATE_LABELS.DISCONNECTED;
    channelInput.focus();
  }

  // ------------------------------------------------------------------ controls

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const channelName = validate(channelInput, 'channel-error', 'channel name');
    const name = validate(nameInput, 'name-error', 'name');
    if (!channelName) return channelInput.focus();
    if (!name) return nameInput.focus();
    sessionStorage.setItem('parley-demo-name', name);
    void join(channelName, name);
  });
  channelInput.addEventListener('input', () => setFieldError(channelInput, 'channel-error', ''));
  nameInput.addEventListener('input', () => setFieldError(nameInput, 'name-error', ''));

  micButton.addEventListener('click', async () => {
    if (!microphone) return;
    await microphone.setEnabled(!microphone.enabled);
    renderLocal();
  });

  cameraButton.addEventListener('click', async () => {
    if (!camera) return;
    await camera.setEnabled(!camera.enabled);
    renderLocal();
  });

  leaveButton.addEventListener('click', async () => {
    const leaving = client;
    leaveButton.disabled = true;
    try {
      if (leaving) await leaving.leave();
    } finally {
      leaveButton.disabled = false;
      endCall();
      showStatus('You left the call.');
    }
  });

  // ------------------------------------------------------------------ start

  if (!window.ParleyRTC) {
    showStatus('The Parley SDK did not load (/sdk/parley-rtc.js): run npm run build, then restart the server.', 'error');
    joinButton.disabled = true;
    return;
  }
  if (!ParleyRTC.checkSystemRequirements()) {
    showStatus('This browser cannot make calls here: use a current browser on http://localhost or https://.', 'warning');
  }
  // Browsers block sound until the page was interacted with; the join click usually counts.
  ParleyRTC.onAutoplayFailed = () => {
    showStatus('Click anywhere on the page to hear the others.', 'warning');
    document.addEventListener(
      'click',
      () => {
        if (!client) return;
        for (const user of client.remoteUsers) {
          if (user.audioTrack) {
            user.audioTrack.stop();
            user.audioTrack.play();
          }
        }
        showStatus('');
      },
      { once: true },
    );
  };

  channelInput.value = params.get('channel') || 'demo';
  nameInput.value = sessionStorage.getItem('parley-demo-name') || 'Guest ' + Math.floor(1000 + Math.random() * 9000);
  stateLabel.textContent = STATE_LABELS.DISCONNECTED;
})();
