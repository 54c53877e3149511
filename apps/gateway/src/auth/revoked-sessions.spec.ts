import { NatsConnection } from 'nats';

import { AuthClient } from '../clients/service-clients';
import { loadGatewayConfig } from '../config';
import { RevokedSessions } from './revoked-sessions';

describe(RevokedSessions.name, () => {
  const NOW = Date.UTC(2030, 0, 1);
  let revoked: RevokedSessions;
  let now: number;

  function build(env: Record<string, string> = {}) {
    const set = new RevokedSessions({} as NatsConnection, {} as AuthClient, loadGatewayConfig(env));
    set.now = () => now;

    return set;
  }

  beforeEach(() => {
    now = NOW;
    revoked = build();
  });

  it('refuses an ended session until its tokens can no longer be valid', () => {
    revoked.add('s-1', NOW + 60_000);

    expect(revoked.isRevoked('s-1')).toBe(true);
    expect(() => revoked.assertLive('s-1')).toThrow(
      expect.objectContaining({ code: 'auth.session_ended', httpStatus: 401 }),
    );
    now = NOW + 60_000;
    expect(revoked.isRevoked('s-1')).toBe(false);
  });

  it('knows nothing of other sessions, nor of tokens without a session id', () => {
    revoked.add('s-1', NOW + 60_000);

    expect(revoked.isRevoked('s-2')).toBe(false);
    expect(revoked.isRevoked('')).toBe(false);
    expect(() => revoked.assertLive('s-2')).not.toThrow();
  });

  it('tells listeners once per session, however often it is reported', () => {
    const heard: string[] = [];
    revoked.onRevoked((sessionId) => heard.push(sessionId));

    revoked.add('s-1', NOW + 60_000);
    revoked.add('s-1', NOW + 90_000);
    revoked.add('s-2', NOW + 60_000);

    expect(heard).toEqual(['s-1', 's-2']);
    now = NOW + 70_000;
    expect(revoked.isRevoked('s-1')).toBe(true);
  });

  it('ignores entries whose deadline has already passed', () => {
    revoked.add('s-old', NOW - 1);

    expect(revoked.size).toBe(0);
  });

  it('forgets the oldest entries first when full', () => {
    const small = build({ AUTH_REVOKED_SESSIONS_MAX: '2' });

    small.add('s-1', NOW + 60_000);
    small.add('s-2', NOW + 60_000);
    small.add('s-3', NOW + 60_000);

    expect(small.size).toBe(2);
    expect(small.isRevoked('s-1')).toBe(false);
    expect(small.isRevoked('s-3')).toBe(true);
  });
});
