import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';

/** One mailbox of the test mail server. */
export interface TestMailAccount {
  /** What the account signs in with: its full address (a bare local part works too). */
  login: string;
  address: string;
  name: string;
  password: string;
  /** A second password the account also signs in with, like a mail provider's app password. */
  appPassword?: string;
}

/**
 * The real Dovecot that `scripts/servers/dovecot.sh ensure` runs on loopback,
 * described by the fixture that script reads, so tests and server always agree.
 * IMAPS uses a self-signed certificate: tests connect with
 * `tls: { rejectUnauthorized: false }`.
 */
export interface TestMailServer {
  host: string;
  domain: string;
  ports: { imap: number; imaps: number; pop3: number; lmtp: number };
  /** The accounts by local part: `accounts.alice`. */
  accounts: Record<string, TestMailAccount>;
}

export const MAIL_SERVER_FIXTURE = join(__dirname, '..', 'fixtures', 'mail-server.json');

export function testMailServer(): TestMailServer {
  const fixture = JSON.parse(readFileSync(MAIL_SERVER_FIXTURE, 'utf8')) as Omit<
    TestMailServer,
    'accounts'
  > & { accounts: TestMailAccount[] };

  return {
    ...fixture,
    accounts: Object.fromEntries(fixture.accounts.map((a) => [a.address.split('@')[0], a])),
  };
}

/**
 * Delivers a raw RFC 5322 message to one mailbox's INBOX through the server's
 * LMTP listener, as a mail transfer agent would, so IMAP then finds it.
 */
export async function deliverTestMail(
  recipient: string,
  message: string,
  sender = `postmaster@${testMailServer().domain}`,
): Promise<void> {
  const server = testMailServer();
  const session = await LmtpSession.open(server.host, server.ports.lmtp);
  try {
    await session.expect(220);
    await session.command(`LHLO ${server.domain}`, 250);
    await session.command(`MAIL FROM:<${sender}>`, 250);
    await session.command(`RCPT TO:<${recipient}>`, 250);
    await session.command('DATA', 354);
    // RFC 5321 4.5.2: a line that starts with a dot is sent with one more.
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    // LMTP answers once per recipient after the final dot (RFC 2033 4.2).
    await session.command(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`, 250);
    await session.command('QUIT', 221);
  } finally {
    session.close();
  }
}

/** A line-oriented LMTP conversation that reads one complete reply per step. */
class LmtpSession {
  private buffer = '';
  private waiting?: () => void;
  private failure?: Error;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiting?.();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.failure ??= new Error('LMTP connection closed');
      this.waiting?.();
    });
  }

  static open(host: string, port: number): Promise<LmtpSession> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new LmtpSession(socket));
      });
      socket.once('error', reject);
    });
  }

  async command(line: string, code: number): Promise<string> {
    this.socket.write(`${line}\r\n`);

    return this.expect(code);
  }

  /** Waits for a whole reply (its last line has a space after the code) and checks its code. */
  async expect(code: number): Promise<string> {
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(this.buffer);
      if (end) {
        const reply = this.buffer.slice(0, end.index + end[0].length);
        this.buffer = this.buffer.slice(reply.length);
        if (!reply.startsWith(String(code))) {
          throw new Error(`LMTP expected ${code}, server answered: ${reply.trim()}`);
        }

        return reply;
      }
      if (this.failure) {
        throw this.failure;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
