import { randomBytes } from 'node:crypto';

import { ImapFlow, ImapFlowOptions } from 'imapflow';

import { deliverTestMail, testMailServer } from './mail-server';

const server = testMailServer();
const { alice, bob } = server.accounts;

function imapClient(options: Partial<ImapFlowOptions> & { auth: ImapFlowOptions['auth'] }) {
  return new ImapFlow({
    host: server.host,
    port: server.ports.imap,
    secure: false,
    logger: false,
    // The plain port offers STARTTLS, which the client takes, with the server's self-signed certificate.
    tls: { rejectUnauthorized: false },
    ...options,
  });
}

/** Signs in, runs the step, and always logs out. */
async function signedIn<T>(
  options: Partial<ImapFlowOptions> & { auth: ImapFlowOptions['auth'] },
  step: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = imapClient(options);
  await client.connect();
  try {
    return await step(client);
  } finally {
    await client.logout();
  }
}

describe(testMailServer.name, () => {
  it('describes a loopback server of the test domain with known accounts', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.domain).toBe('mail.confer.test');
    expect(alice.address).toBe('alice@mail.confer.test');
    expect(alice.appPassword).toEqual(expect.any(String));
    expect(bob.password).not.toBe(alice.password);
  });

  it('lets an account sign in over IMAP with its password', async () => {
    const mailboxes = await signedIn({ auth: { user: alice.login, pass: alice.password } }, (c) =>
      c.list(),
    );

    expect(mailboxes.map((m) => m.path)).toEqual(expect.arrayContaining(['INBOX', 'Sent']));
  });

  it('lets an account sign in with its application password and with its bare local part', async () => {
    const viaAppPassword = await signedIn(
      { auth: { user: alice.login, pass: alice.appPassword ?? '' } },
      async (c) => c.authenticated,
    );
    const viaLocalPart = await signedIn(
      { auth: { user: 'bob', pass: bob.password } },
      async (c) => c.authenticated,
    );

    expect(viaAppPassword).toBeTruthy();
    expect(viaLocalPart).toBeTruthy();
  });

  it('rejects a wrong password with an authentication failure, not a connection error', async () => {
    const client = imapClient({ auth: { user: alice.login, pass: `${alice.password}-wrong` } });

    const failure = await client.connect().then(
      () => undefined,
      (error: { authenticationFailed?: boolean; serverResponseCode?: string; code?: string }) =>
        error,
    );

    expect(failure).toMatchObject({
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
    });
    expect(failure?.code).toBeUndefined();
  });

  it('rejects another account’s password', async () => {
    const client = imapClient({ auth: { user: alice.login, pass: bob.password } });

    await expect(client.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });

  it('serves IMAP over TLS with its self-signed certificate', async () => {
    const secure = await signedIn(
      {
        port: server.ports.imaps,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: bob.login, pass: bob.password },
      },
      async (c) => c.secureConnection,
    );

    expect(secure).toBe(true);
  });

  it('refuses the TLS certificate when the client verifies it', async () => {
    const client = imapClient({
      port: server.ports.imaps,
      secure: true,
      tls: {},
      auth: { user: bob.login, pass: bob.password },
    });

    await expect(client.connect()).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});

describe(deliverTestMail.name, () => {
  it('delivers a mail over LMTP that IMAP then lists in the INBOX', async () => {
    const subject = `Quarterly figures ${randomBytes(4).toString('hex')}`;
    await deliverTestMail(
      bob.address,
      [
        `From: ${alice.name} <${alice.address}>`,
        `To: ${bob.name} <${bob.address}>`,
        `Subject: ${subject}`,
        `Message-ID: <${randomBytes(8).toString('hex')}@${server.domain}>`,
        'Date: Thu, 04 Dec 2025 10:00:00 +0000',
        '',
        'The figures are attached.',
        '.a line that starts with a dot',
      ].join('\n'),
      alice.address,
    );

    const found = await signedIn({ auth: { user: bob.login, pass: bob.password } }, async (c) => {
      const lock = await c.getMailboxLock('INBOX');
      try {
        const uids = (await c.search({ subject }, { uid: true })) || [];
        const messages = [];
        for await (const message of c.fetch(
          uids,
          { envelope: true, source: true },
          { uid: true },
        )) {
          messages.push(message);
        }

        return messages;
      } finally {
        lock.release();
      }
    });

    expect(found).toHaveLength(1);
    expect(found[0].envelope?.subject).toBe(subject);
    expect(found[0].envelope?.from?.[0]?.address).toBe(alice.address);
    expect(found[0].source?.toString()).toContain('\r\n.a line that starts with a dot');
  });

  it('refuses a recipient the server does not know', async () => {
    await expect(
      deliverTestMail(`nobody@${server.domain}`, 'Subject: lost\n\nNobody reads this.'),
    ).rejects.toThrow(/LMTP expected 250/);
  });
});
