import { createServer, Server, Socket } from 'node:net';

/**
 * An IMAP server on loopback that accepts every LOGIN, whatever the password:
 * what another organisation's administrator could point a domain at. Counts
 * the LOGIN commands it saw, so a test can tell whether a password ever
 * reached it.
 */
export class YesImapServer {
  logins = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((socket) => {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.write('* OK [CAPABILITY IMAP4rev1] ready\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        this.answer(socket, buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    });
  });

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(socket: Socket, line: string): void {
    const [tag, command = ''] = line.split(' ');
    const verb = command.toUpperCase();
    if (verb === 'LOGIN') {
      this.logins += 1;
    }
    if (verb === 'CAPABILITY') {
      socket.write('* CAPABILITY IMAP4rev1\r\n');
    }
    if (verb === 'LOGOUT') {
      socket.end(`* BYE\r\n${tag} OK LOGOUT done\r\n`);

      return;
    }
    socket.write(`${tag} OK ${verb} done\r\n`);
  }
}
