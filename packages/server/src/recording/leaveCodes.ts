/** Agora's recorder-leave codes (NCS event 41 `leaveCode`): why a recorder left its channel. */
export const LeaveCode = { initFailed: 0, shutdown: 2, idle: 4, stopped: 16 } as const;
