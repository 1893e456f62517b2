/**
 * The signaling WebSocket's URL on the reader's server, inline: the docs' API origin with `http`
 * turned into `ws` (and `https` into `wss`), then the protocol's path.
 */
import React from 'react';
import signaling from '@site/generated/signaling.json';
import { useServerBase } from '../ServerCode';

export function signalingUrl(base: string): string {
  return `${base.replace(/^http/, 'ws')}${signaling.facts.path}`;
}

export default function SignalingUrl(): React.JSX.Element {
  return <code>{signalingUrl(useServerBase())}</code>;
}
