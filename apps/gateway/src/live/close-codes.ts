/** Why the server closed a live socket; clients decide from the code whether to reconnect. */
export const CLOSE = {
  /** The server is shutting down: reconnect (another node will answer). */
  GOING_AWAY: { code: 1001, reason: 'server shutting down' },
  /** A dependency (auth, messaging) did not answer: reconnect after a pause. */
  TRY_AGAIN_LATER: { code: 1013, reason: 'try again later' },
  PROTOCOL_ERROR: { code: 4400, reason: 'protocol error' },
  AUTH_FAILED: { code: 4401, reason: 'auth failed' },
  AUTH_EXPIRED: { code: 4401, reason: 'auth expired' },
  AUTH_TIMEOUT: { code: 4408, reason: 'auth timeout' },
  /** The session was signed out, ended from another device, or its user disabled: sign in again. */
  SESSION_ENDED: { code: 4401, reason: 'session ended' },
  TOO_MANY_FRAMES: { code: 4429, reason: 'too many frames' },
  /** The client reads too slowly: frames pile up in the server's send buffer. */
  SLOW_CONSUMER: { code: 4503, reason: 'slow consumer' },
} as const;

export type CloseReason = (typeof CLOSE)[keyof typeof CLOSE];
