/*
 * The demo call page's logic, on the global ParleyRTC from /sdk/parley-rtc.js: preview the camera
 * and pick devices, get a token for the demo project (or the console's project) and join, publish
 * the camera and microphone, subscribe to everyone who publishes, and show a tile per person with
 * who is speaking and how good their link is; chat and display names travel as stream messages.
 *
 * The uid (what the token names) is separate from the display name: an ASCII slug of the name
 * plus a random per-page suffix, so two tabs get different uids (the same uid joining twice replaces the
 * first connection) while the console's lists stay readable. Names are any Unicode, always put
 * on the page as text.
 */
'use strict';

(function () {
  // The protocol's own rules, served as /call/protocol.js from @parley/protocol.
  const PROTOCOL = window.ParleyProtocol;
  const CHANNEL_PATTERN = new RegExp(PROTOCOL.CHANNEL_NAME_PATTERN);
  const RULE = '1–63 characters: letters, digits, space and ' + PROTOCOL.CHANNEL_NAME_PUNCTUATION;
  const DEV_ONLY = 'The demo project mints tokens only when the server runs in dev mode (npm start). Signed in to the console? Open a project\u2019s \u201cTry a call\u201d page.';
  // Agora's stream message limits: 1 KB a message, 30 messages a second (we keep well under).
  const MESSAGE_MAX_BYTES = 1024;
  const MESSAGES_PER_SECOND = 20;
  const NAME_MAX_LENGTH = 64;
  // Per page load, not in sessionStorage: a duplicated tab copies sessionStorage, and two tabs
  // with one uid would replace each other.
  const UID_SUFFIX = String(Math.floor(1000 + Math.random() * 9000));
  // A level (0–100) from volume-indicator at or above this counts as speaking.
  const SPEAKING_LEVEL = 5;
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
    REPLACED: 'This call was opened again in another tab or window, so this one left the call.',
    SERVER_KICKED: 'The server ended the call.',
  };
  // Agora's quality scale: 0 unknown, 1 excellent … 5 very bad, 6 down; shown as 4 … 0 bars.
  const QUALITY_BARS = [0, 4, 3, 2, 1, 1, 0];
  const QUALITY_WORDS = ['unknown', 'excellent', 'good', 'poor', 'bad', 'very bad', 'down'];

  const $ = (id) => document.getElementById(id);
  const form = $('join-form');
  const channelInput = $('channel');
  const nameInput = $('display-name');
  const joinButton = $('join-button');
  const joinPanel = $('join-panel');
  const callPanel = $('call-panel');
  const grid = $('grid');
  const peopleList = $('people');
  const micButton = $('mic-button');
  const cameraButton = $('camera-button');
  const screenButton = $('screen-button');
  const settingsButton = $('settings-button');
  const inviteButton = $('invite-button');
  const inviteInput = $('invite-link');
  const leaveButton = $('leave-button');
  const statusBox = $('status');
  const stateLabel = $('connection-state');
  const devicesBox = $('devices');
  const cameraSelect = $('camera-select');
  const microphoneSelect = $('microphone-select');
  const speakerSelect = $('speaker-select');
  const chatLog = $('chat-log');
  const chatForm = $('chat-form');
  const chatInput = $('chat-input');
  const chatError = $('chat-error');
  // The hint lists the protocol's own characters (the page's copy is only a no-script fallback).
  $('channel-hint').querySelector('code').textContent = PROTOCOL.CHANNEL_NAME_PUNCTUATION;

  /** @type {any} */
  let client = null;
  /** @type {any} */
  let microphone = null;
  /** @type {any} */
  let camera = null;
  /** @type {any} */
  let screen = null;
  /** The shared screen's sound, when the person shared it. @type {any} */
  let screenSound = null;
  let devicesProblem = null;
  let channel = '';
  let localUid = '';
  let localName = '';
  /** What we know of each person, by String(uid): name (once heard), local, audio/video on. */
  const people = new Map();
  const sentAt = [];

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

  function validateChannel() {
    const value = channelInput.value.trim();
    let message = '';
    if (!value) message = 'Enter a channel name.';
    else if (!CHANNEL_PATTERN.test(value)) message = 'The channel name must be ' + RULE + '.';
    setFieldError(channelInput, 'channel-error', message);
    return message ? null : value;
  }

  function validateName() {
    const value = cleanName(nameInput.value);
    setFieldError(nameInput, 'name-error', value ? '' : 'Enter a name (up to ' + NAME_MAX_LENGTH + ' characters, in any script).');
    return value;
  }

  /** A display name as we accept it from the form or from someone else's message. */
  function cleanName(value) {
    // Control characters (\p{Cc}) would let a name break lines or hide text.
    return typeof value === 'string' ? Array.from(value.replace(/\p{Cc}/gu, '').trim()).slice(0, NAME_MAX_LENGTH).join('') : '';
  }

  /** A uid from the name: its ASCII letters and digits (accents dropped), then this page's suffix. */
  function uidFor(name) {
    const slug = name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, ' ').trim().replace(/ /g, '-').slice(0, 40);
    return (slug || 'guest') + '-' + UID_SUFFIX;
  }

  // ------------------------------------------------------------------ people, tiles and the list

  function tileId(uid) {
    return 'tile-' + encodeURIComponent(String(uid));
  }

  function nameOf(uid) {
    const person = people.get(String(uid));
    return (person && person.name) || String(uid);
  }

  function initials(name) {
    const words = String(name).trim().split(/\s+/).filter(Boolean);
    const letters = words.length > 1 ? [Array.from(words[0])[0], Array.from(words[1])[0]] : Array.from(String(name)).slice(0, 2);
    return letters.join('').toUpperCase();
  }

  function person(uid) {
    const key = String(uid);
    if (!people.has(key)) people.set(key, { uid: uid, name: '', local: false, audioOn: false, videoOn: false });
    return people.get(key);
  }

  function ensureTile(uid) {
    let tile = document.getElementById(tileId(uid));
    if (tile) return tile;
    tile = tileTemplate().cloneNode(true);
    tile.id = tileId(uid);
    tile.dataset.uid = String(uid);
    if (person(uid).local) {
      tile.classList.add('local');
      grid.prepend(tile);
    } else {
      grid.append(tile);
    }
    grid.dataset.count = String(grid.children.length);
    return tile;
  }

  function tileTemplate() {
    return $('tile-template').content.firstElementChild;
  }

  function forget(uid) {
    people.delete(String(uid));
    const tile = document.getElementById(tileId(uid));
    if (tile) tile.remove();
    grid.dataset.count = String(grid.children.length);
    renderPeople();
  }

  /** Shows a person's tile (name, video or placeholder, muted badges) and the list. */
  function render(uid) {
    const state = person(uid);
    const tile = ensureTile(uid);
    const name = nameOf(uid) + (state.local ? ' (you)' : '');
    tile.querySelector('.name').textContent = name;
    tile.querySelector('.initials').textContent = initials(nameOf(uid));
    tile.setAttribute('aria-label', name);
    tile.classList.toggle('has-video', state.videoOn);
    tile.querySelector('.mic-off').hidden = state.audioOn;
    tile.querySelector('.camera-off').hidden = state.videoOn;
    renderPeople();
  }

  function renderPeople() {
    const template = $('person-template').content.firstElementChild;
    const rows = [...people.values()].sort((a, b) => Number(b.local) - Number(a.local)).map((state) => {
      const row = template.cloneNode(true);
      row.dataset.uid = String(state.uid);
      row.querySelector('.person-name').textContent = nameOf(state.uid) + (state.local ? ' (you)' : '');
      showState(row.querySelector('.mic'), state.audioOn, 'i-mic', 'microphone');
      showState(row.querySelector('.camera'), state.videoOn, 'i-camera', 'camera');
      return row;
    });
    peopleList.replaceChildren(...rows);
    $('people-count').textContent = '(' + rows.length + ')';
  }

  function showState(element, on, icon, what) {
    element.classList.toggle('off', !on);
    element.querySelector('use').setAttribute('href', '#' + icon + (on ? '' : '-off'));
    element.querySelector('.visually-hidden').textContent = what + (on ? ' on' : ' off');
  }

  function renderRemote(user) {
    Object.assign(person(user.uid), {
      audioOn: user.hasAudio && !user.audioMuted,
      videoOn: user.hasVideo && !user.videoMuted && Boolean(user.videoTrack),
    });
    render(user.uid);
  }

  function renderLocal() {
    const video = screen || camera;
    Object.assign(person(localUid), {
      local: true,
      name: localName,
      audioOn: Boolean(microphone && microphone.enabled),
      videoOn: Boolean(video && video.enabled),
    });
    render(localUid);
    const micMuted = !microphone || !microphone.enabled;
    const cameraOff = !camera || !camera.enabled;
    setControl(micButton, !microphone, micMuted, !microphone ? 'No microphone' : micMuted ? 'Unmute microphone' : 'Mute microphone', micMuted ? 'Unmute' : 'Mute');
    setControl(cameraButton, !camera || Boolean(screen), cameraOff, !camera ? 'No camera' : cameraOff ? 'Turn camera on' : 'Turn camera off', cameraOff ? 'Camera on' : 'Camera off');
    setControl(screenButton, false, Boolean(screen), screen ? 'Stop sharing your screen' : 'Share your screen', screen ? 'Stop sharing' : 'Share');
  }

  function setControl(button, disabled, pressed, label, shortLabel) {
    button.disabled = disabled;
    button.setAttribute('aria-pressed', String(!disabled && pressed));
    button.setAttribute('aria-label', label);
    button.querySelector('.control-label').textContent = shortLabel;
  }

  function showSpeakers(results) {
    for (const tile of grid.children) tile.classList.remove('speaking');
    for (const { uid, level } of results) {
      const tile = document.getElementById(tileId(uid));
      if (tile && level >= SPEAKING_LEVEL) tile.classList.add('speaking');
    }
  }

  function showQuality(uid, quality) {
    const tile = document.getElementById(tileId(uid));
    if (!tile || !quality) return;
    const worst = Math.max(quality.uplinkNetworkQuality || 0, quality.downlinkNetworkQuality || 0);
    const box = tile.querySelector('.quality');
    box.hidden = worst === 0;
    box.dataset.bars = String(QUALITY_BARS[worst] || 0);
    box.title = 'Network: ' + QUALITY_WORDS[worst];
    box.querySelector('.quality-text').textContent = 'network ' + QUALITY_WORDS[worst];
  }

  // ------------------------------------------------------------------ devices and preview

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
    const audioConfig = microphoneSelect.value ? { microphoneId: microphoneSelect.value } : {};
    const videoConfig = cameraSelect.value ? { cameraId: cameraSelect.value } : {};
    try {
      const tracks = await ParleyRTC.createMicrophoneAndCameraTracks(audioConfig, videoConfig);
      return { audio: tracks[0], video: tracks[1], problem: null };
    } catch (error) {
      const [audio, video] = await Promise.all([
        ParleyRTC.createMicrophoneAudioTrack(audioConfig).catch(() => null),
        ParleyRTC.createCameraVideoTrack(videoConfig).catch(() => null),
      ]);
      return { audio: audio, video: video, problem: mediaProblem(error) };
    }
  }

  /** The pre-join screen: open the devices, show the camera, list what can be picked. */
  async function startPreview() {
    $('preview-note').textContent = 'Opening your camera…';
    $('preview-note').hidden = false;
    const devices = await openDevices();
    if (client || !joinPanel.isConnected || !callPanel.hidden) {
      // Joined (or left again) meanwhile: the join opened its own.
      if (devices.audio && devices.audio !== microphone) devices.audio.close();
      if (devices.video && devices.video !== camera) devices.video.close();
      return;
    }
    microphone = devices.audio;
    camera = devices.video;
    devicesProblem = devices.problem;
    if (camera) {
      camera.play($('preview').querySelector('.media'));
      $('preview-note').hidden = true;
    } else {
      $('preview-note').textContent = 'No camera: ' + (devices.problem || 'none was found') + '.';
    }
    await listDevices();
  }

  function fill(select, devices, current, emptyLabel) {
    const options = devices.map((device, index) => new Option(device.label || emptyLabel + ' ' + (index + 1), device.deviceId));
    if (options.length === 0) options.push(new Option('No ' + emptyLabel.toLowerCase(), ''));
    select.replaceChildren(...options);
    if (current && devices.some((device) => device.deviceId === current)) select.value = current;
    select.disabled = devices.length === 0;
  }

  async function listDevices() {
    const [cameras, microphones, speakers] = await Promise.all([
      ParleyRTC.getCameras().catch(() => []),
      ParleyRTC.getMicrophones().catch(() => []),
      ParleyRTC.getPlaybackDevices().catch(() => []),
    ]);
    fill(cameraSelect, cameras, camera && currentDeviceId(camera), 'Camera');
    fill(microphoneSelect, microphones, microphone && currentDeviceId(microphone), 'Microphone');
    // Choosing the output needs setSinkId (not in every browser).
    const canChooseOutput = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    $('speaker-field').hidden = !canChooseOutput || speakers.length === 0;
    if (canChooseOutput) fill(speakerSelect, speakers, speakerSelect.value, 'Speaker');
  }

  function currentDeviceId(track) {
    const media = track.getMediaStreamTrack && track.getMediaStreamTrack();
    return media && media.getSettings ? media.getSettings().deviceId : '';
  }

  async function switchDevice(track, select, what) {
    if (!track || !select.value) return;
    try {
      await track.setDevice(select.value);
    } catch (error) {
      showStatus('Could not switch the ' + what + ': ' + error.message, 'error');
    }
  }

  async function applySpeaker() {
    if (!client || !speakerSelect.value) return;
    for (const user of client.remoteUsers) {
      if (user.audioTrack) await user.audioTrack.setPlaybackDevice(speakerSelect.value).catch(() => {});
    }
  }

  // ------------------------------------------------------------------ tokens

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

  // ------------------------------------------------------------------ messages: names and chat

  /** Sends a small JSON message to everyone, within Agora's size and rate limits; false if it could not. */
  function sendMessage(message) {
    const current = client;
    const bytes = new TextEncoder().encode(JSON.stringify(message));
    const now = Date.now();
    while (sentAt.length && now - sentAt[0] > 1000) sentAt.shift();
    if (!current || bytes.length > MESSAGE_MAX_BYTES || sentAt.length >= MESSAGES_PER_SECOND) return false;
    sentAt.push(now);
    current.sendStreamMessage(bytes).catch((error) => {
      if (current === client) showStatus('Could not send a message: ' + error.message, 'warning');
    });
    return true;
  }

  function sayHello() {
    sendMessage({ type: 'hello', name: localName });
  }

  function receiveMessage(uid, payload) {
    let message;
    try {
      message = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    if (message.type === 'hello') {
      const name = cleanName(message.name);
      const state = person(uid);
      const firstHello = !state.name;
      state.name = name;
      render(uid);
      // Someone new said hello: they may have joined after our hello went out.
      if (firstHello) sayHello();
    } else if (message.type === 'chat' && typeof message.text === 'string' && message.text.trim()) {
      addChatLine(nameOf(uid), message.text.slice(0, 1000), false);
    }
  }

  function addChatLine(name, text, mine) {
    const line = document.createElement('li');
    line.className = 'chat-line' + (mine ? ' mine' : '');
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = mine ? 'You' : name;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    line.append(author, body);
    chatLog.append(line);
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  function chatTooLong(text) {
    return new TextEncoder().encode(JSON.stringify({ type: 'chat', text: text })).length > MESSAGE_MAX_BYTES;
  }

  // ------------------------------------------------------------------ joining and leaving

  async function join(channelName, name) {
    joinButton.disabled = true;
    showStatus('Getting a token…');
    let credentials;
    try {
      credentials = await fetchToken(channelName, uidFor(name));
    } catch (error) {
      joinButton.disabled = false;
      showStatus(error.message, 'error');
      return;
    }

    channel = channelName;
    localUid = credentials.uid;
    localName = name;
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
    $('call-devices').append(devicesBox);
    const query = new URLSearchParams(projectAppId ? { appId: projectAppId, channel: channelName } : { channel: channelName }).toString();
    history.replaceState(null, '', '/call?' + query);
    inviteInput.value = location.origin + '/call?' + query;
    renderLocal();
    sayHello();
    client.enableAudioVolumeIndicator();
    // The form (and its focused Join button) just disappeared: keep keyboard users in the call.
    $('call-title').focus();

    if (!microphone && !camera && !devicesProblem) {
      showStatus('Opening your camera and microphone…');
      const devices = await openDevices();
      if (!client) {
        if (devices.audio) devices.audio.close();
        if (devices.video) devices.video.close();
        return;
      }
      microphone = devices.audio;
      camera = devices.video;
      devicesProblem = devices.problem;
    }
    const tracks = [microphone, camera].filter(Boolean);
    if (camera) camera.play(ensureTile(localUid).querySelector('.media'));
    renderLocal();
    await listDevices();
    if (tracks.length === 0) {
      showStatus('You joined as a viewer: ' + devicesProblem + '. The others cannot see or hear you.', 'warning');
      return;
    }
    try {
      await client.publish(tracks);
    } catch (error) {
      showStatus('Could not send your camera and microphone: ' + error.message, 'error');
      return;
    }
    if (devicesProblem) {
      showStatus('You joined ' + (microphone ? 'without a camera' : 'without a microphone') + ': ' + devicesProblem + '.', 'warning');
    } else {
      showStatus('You are in the call. Copy the invite link to add someone.');
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
    current.on('user-joined', (user) => {
      renderRemote(user);
      sayHello();
    });
    current.on('user-published', async (user, mediaType) => {
      try {
        const track = await current.subscribe(user, mediaType);
        if (mediaType === 'video') track.play(ensureTile(user.uid).querySelector('.media'), { fit: 'contain' });
        else {
          track.play();
          if (speakerSelect.value) await track.setPlaybackDevice(speakerSelect.value).catch(() => {});
        }
      } catch (error) {
        // The user may have unpublished or left meanwhile; anything else is worth saying.
        if (error.code !== 'REMOTE_USER_IS_NOT_PUBLISHED' && error.code !== 'INVALID_REMOTE_USER' && error.code !== 'OPERATION_ABORTED') {
          showStatus('Could not receive ' + nameOf(user.uid) + '\u2019s ' + mediaType + ': ' + error.message, 'error');
        }
      }
      renderRemote(user);
    });
    current.on('user-unpublished', (user) => renderRemote(user));
    current.on('user-info-updated', (uid) => {
      const user = current.remoteUsers.find((candidate) => String(candidate.uid) === String(uid));
      if (user) renderRemote(user);
    });
    current.on('user-left', (user) => forget(user.uid));
    current.on('stream-message', (uid, payload) => {
      if (current === client) receiveMessage(uid, payload);
    });
    current.on('volume-indicator', (results) => showSpeakers(results));
    current.on('network-quality', (quality) => {
      showQuality(localUid, quality);
      const remote = current.getRemoteNetworkQuality();
      for (const uid of Object.keys(remote)) showQuality(uid, remote[uid]);
    });
    current.on('token-privilege-will-expire', async () => {
      try {
        const fresh = await fetchToken(channel, localUid);
        await current.renewToken(fresh.token);
      } catch (error) {
        showStatus('Could not renew the access token: ' + error.message, 'warning');
      }
    });
    current.on('exception', (error) => showStatus('Media problem: ' + error.message, 'warning'));
  }

  /** Back to the pre-join screen; closes the devices and opens the preview again. */
  function endCall() {
    client = null;
    for (const track of [microphone, camera, screen, screenSound]) if (track) track.close();
    microphone = camera = screen = screenSound = null;
    devicesProblem = null;
    people.clear();
    grid.replaceChildren();
    grid.dataset.count = '0';
    peopleList.replaceChildren();
    chatLog.replaceChildren();
    $('preview').querySelector('.media').replaceChildren();
    $('preview').after(devicesBox);
    showCallDevices(false);
    callPanel.hidden = true;
    joinPanel.hidden = false;
    stateLabel.textContent = STATE_LABELS.DISCONNECTED;
    channelInput.focus();
    void startPreview();
  }

  // ------------------------------------------------------------------ screen sharing

  async function startSharing() {
    let track;
    try {
      // "auto": a shared tab's or screen's sound goes along when the person ticks it in the picker,
      // mixed with the microphone for the others.
      const created = await ParleyRTC.createScreenVideoTrack({}, 'auto');
      [track, screenSound] = Array.isArray(created) ? created : [created, null];
    } catch (error) {
      // Cancelling the browser's picker is not worth a warning.
      if (error.code !== 'PERMISSION_DENIED') showStatus('Could not share the screen: ' + error.message, 'warning');
      return;
    }
    if (!client) {
      screenSound?.close();
      return track.close();
    }
    screen = track;
    // The browser's own "Stop sharing" button ends the track.
    track.on('track-ended', () => {
      if (screen === track) void stopSharing();
    });
    try {
      if (camera && client.localTracks.includes(camera)) await client.unpublish(camera);
      await client.publish(screenSound ? [track, screenSound] : track);
    } catch (error) {
      showStatus('Could not share the screen: ' + error.message, 'error');
    }
    // The tile shows the screen instead of the camera (which stays open, to come back quickly).
    if (camera) camera.stop();
    track.play(ensureTile(localUid).querySelector('.media'), { fit: 'contain' });
    renderLocal();
  }

  async function stopSharing() {
    const track = screen;
    if (!track) return;
    const sound = screenSound;
    screen = screenSound = null;
    try {
      const shared = [track, sound].filter((t) => t && client?.localTracks.includes(t));
      if (shared.length > 0) await client.unpublish(shared);
      track.close();
      sound?.close();
      if (client && camera) {
        await client.publish(camera);
        camera.play(ensureTile(localUid).querySelector('.media'));
      }
    } catch (error) {
      showStatus('Could not turn the camera back on: ' + error.message, 'warning');
    }
    renderLocal();
  }

  // ------------------------------------------------------------------ invite link

  async function copyInvite() {
    const link = inviteInput.value;
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard API (plain http:// from another computer) or no permission: the old way.
      inviteInput.select();
      if (!document.execCommand('copy')) {
        showStatus('Copy the invite link from the box below the controls.', 'warning');
        inviteInput.focus();
        return;
      }
    }
    showStatus('Invite link copied: send it to whoever should join.');
  }

  // ------------------------------------------------------------------ controls

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const channelName = validateChannel();
    const name = validateName();
    if (!channelName) return channelInput.focus();
    if (!name) return nameInput.focus();
    localStorage.setItem('parley-demo-name', name);
    void join(channelName, name);
  });
  channelInput.addEventListener('input', () => setFieldError(channelInput, 'channel-error', ''));
  nameInput.addEventListener('input', () => setFieldError(nameInput, 'name-error', ''));

  cameraSelect.addEventListener('change', () => switchDevice(camera, cameraSelect, 'camera'));
  microphoneSelect.addEventListener('change', () => switchDevice(microphone, microphoneSelect, 'microphone'));
  speakerSelect.addEventListener('change', () => void applySpeaker());
  if (navigator.mediaDevices) navigator.mediaDevices.addEventListener('devicechange', () => void listDevices());

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

  screenButton.addEventListener('click', () => void (screen ? stopSharing() : startSharing()));

  function showCallDevices(open) {
    settingsButton.setAttribute('aria-expanded', String(open));
    $('call-devices').hidden = !open;
  }

  settingsButton.addEventListener('click', () => showCallDevices(settingsButton.getAttribute('aria-expanded') !== 'true'));
  // Escape closes the device pickers and puts the keyboard back on the button that opened them.
  $('call-devices').addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    showCallDevices(false);
    settingsButton.focus();
  });

  inviteButton.addEventListener('click', () => void copyInvite());

  chatInput.addEventListener('input', () => {
    const tooLong = chatTooLong(chatInput.value);
    chatError.textContent = tooLong ? 'This message is too long to send (1 KB at most).' : '';
    chatError.hidden = !tooLong;
  });

  chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = chatInput.value.trim();
    if (!text || chatTooLong(text)) return;
    if (!sendMessage({ type: 'chat', text: text })) {
      chatError.textContent = 'Not sent: too many messages at once, try again in a moment.';
      chatError.hidden = false;
      return;
    }
    addChatLine(localName, text, true);
    chatInput.value = '';
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
  nameInput.value = localStorage.getItem('parley-demo-name') || 'Guest ' + Math.floor(1000 + Math.random() * 9000);
  stateLabel.textContent = STATE_LABELS.DISCONNECTED;
  void startPreview();
})();
