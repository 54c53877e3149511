import { ImapFlow } from 'imapflow';

import { MailTlsMode } from '../mail-domains/mail-domain.entity';

export interface ImapServer {
  host: string;
  port: number;
  tls: MailTlsMode;
  rejectUnauthorized: boolean;
}

/** What one LOGIN said: accepted, refused, or no answer (down, too slow, TLS failed). */
export type ImapLoginOutcome =
  { result: 'ok' } | { result: 'refused' } | { result: 'unavailable'; reason: string };

/**
 * One IMAP LOGIN (RFC 9051 6.2.3), then LOGOUT: the whole exchange, from
 * connecting to the answer, must fit in `timeoutMs`. Never retried, so a
 * server with fail2ban-style penalties sees one attempt per login at most.
 * The password goes to no log: imapflow's logger is off.
 */
export async function imapLogin(
  server: ImapServer,
  user: string,
  password: string,
  timeoutMs: number,
): Promise<ImapLoginOutcome> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.tls === 'implicit',
    // starttls must upgrade (credentials never cross in clear); none never tries.
    doSTARTTLS: server.tls === 'starttls' ? true : server.tls === 'none' ? false : undefined,
    tls: { rejectUnauthorized: server.rejectUnauthorized },
    auth: { user, pass: password },
    logger: false,
    emitLogs: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  // imapflow reports socket failures as 'error' events as well as rejections.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ImapLoginOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'unavailable', reason: 'timeout' }), timeoutMs);
  });
  const attempt = client.connect().then(
    (): ImapLoginOutcome => ({ result: 'ok' }),
    (error: { authenticationFailed?: boolean; code?: string }): ImapLoginOutcome =>
      error.authenticationFailed
        ? { result: 'refused' }
        : { result: 'unavailable', reason: error.code ?? 'connection failed' },
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
    if (client.usable) {
      // The answer does not wait for the goodbye.
      void client.logout().catch(() => client.close());
    } else {
      client.close();
    }
  }
}
