/**
 * The one AudioContext the SDK uses, for measuring audio levels (`getVolumeLevel`). Made on first
 * use; browsers start it suspended until the page has had a user gesture, so it resumes itself
 * at the next click or key press, and `ParleyRTC.resumeAudioContext()` resumes it on demand.
 */
let context: AudioContext | undefined;
let stateHandler: ((state: AudioContextState, previous: AudioContextState | undefined) => void) | undefined;

export function sharedAudioContext(): AudioContext | undefined {
  if (context || typeof AudioContext === 'undefined') return context;
  context = new AudioContext();
  let previous: AudioContextState | undefined = context.state;
  context.addEventListener('statechange', () => {
    stateHandler?.(context!.state, previous);
    previous = context!.state;
  });
  if (context.state === 'suspended' && typeof document !== 'undefined') {
    const resume = () => void resumeAudioContext();
    document.addEventListener('pointerdown', resume, { once: true, capture: true });
    document.addEventListener('keydown', resume, { once: true, capture: true });
  }
  return context;
}

export async function resumeAudioContext(): Promise<void> {
  if (context && context.state === 'suspended') await context.resume();
}

export function onAudioContextStateChanged(handler: typeof stateHandler): void {
  stateHandler = handler;
}

export function audioContextStateHandler(): typeof stateHandler {
  return stateHandler;
}
