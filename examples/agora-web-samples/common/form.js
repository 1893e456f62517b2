// What the four samples share, as Agora's samples share their helpers: reading the join form
// (App ID, channel, token and uid), adding or removing a remote user's player, closing the
// local tracks.

/** The form's values; an empty token or uid is null, as Agora's join() takes them. */
function readJoinOptions() {
  const value = (id) => document.getElementById(id).value.trim();
  return {
    appid: value('appid'),
    channel: value('channel'),
    token: value('token') || null,
    uid: Number(value('uid')) || null,
  };
}

function showStatus(text) {
  document.getElementById('status').textContent = text;
}

/** A box for `uid` in the remote player list; returns the id of the element to play video into. */
function addRemotePlayer(uid) {
  if (!document.getElementById(`player-wrapper-${uid}`)) {
    const wrapper = document.createElement('div');
    wrapper.id = `player-wrapper-${uid}`;
    wrapper.className = 'player-wrapper';
    const name = document.createElement('p');
    name.textContent = `uid: ${uid}`;
    const player = document.createElement('div');
    player.id = `player-${uid}`;
    player.className = 'player';
    const stats = document.createElement('dl');
    stats.className = 'track-stats stats';
    wrapper.append(name, player, stats);
    document.getElementById('remote-playerlist').append(wrapper);
  }
  return `player-${uid}`;
}

/** Stops and closes every track of `tracks` (name → track or null), leaving each name null. */
function closeLocalTracks(tracks) {
  for (const name of Object.keys(tracks)) {
    tracks[name]?.stop();
    tracks[name]?.close();
    tracks[name] = null;
  }
}

function removeRemotePlayer(uid) {
  document.getElementById(`player-wrapper-${uid}`)?.remove();
}

/** Fills a <dl> with [description, value, unit] rows. */
function showStats(list, rows) {
  list.replaceChildren(
    ...rows.flatMap(([description, value, unit]) => {
      const term = document.createElement('dt');
      term.textContent = `${description}:`;
      const detail = document.createElement('dd');
      detail.dataset.stat = description;
      detail.textContent = `${value} ${unit}`.trim();
      return [term, detail];
    }),
  );
}
