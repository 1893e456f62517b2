/**
 * Turns the server's numeric leave reasons (Agora's codes, see the protocol's LeaveReason) into
 * the strings the SDK's events carry.
 */
import { LeaveReason } from '../protocolConstants.ts';
import type { ConnectionDisconnectedReason, RemoteUserLeftReason } from './events.ts';

/** The DISCONNECTED reason for a `kicked {reason}` from the server. */
export function disconnectReasonForKick(reason: number): ConnectionDisconnectedReason {
  switch (reason) {
    case LeaveReason.permission:
      return 'UID_BANNED';
    case LeaveReason.tokenExpired:
      return 'TOKEN_EXPIRED';
    case LeaveReason.replaced:
      return 'REPLACED';
    default:
      return 'SERVER_KICKED';
  }
}

/** The DISCONNECTED reason when join() is refused with the server's error `code`. */
export function disconnectReasonForJoinError(code: string): ConnectionDisconnectedReason {
  if (code === 'banned') return 'UID_BANNED';
  if (code === 'token_expired') return 'TOKEN_EXPIRED';
  return 'SERVER_ERROR';
}

/** The `user-left` reason for a remote user's leave code. */
export function userLeftReason(reason: number): RemoteUserLeftReason {
  switch (reason) {
    case LeaveReason.connectionTimeout:
    case LeaveReason.networkError:
    case LeaveReason.unknownNetwork:
      return 'ServerTimeOut';
    case LeaveReason.permission:
      return 'Kicked';
    case LeaveReason.replaced:
      return 'Replaced';
    case LeaveReason.tokenExpired:
      return 'TokenExpired';
    default:
      return 'Quit';
  }
}
