import { performance } from 'node:perf_hooks';

import { generateKeyPair, SignJWT } from 'jose';

import { hashPassword, verifyPassword } from '@confer/auth-2fa/dist/credentials/password-hasher';
import { imapLogin } from '@confer/mail-bridge/dist/credentials/imap-login';
import { TestMailServer } from '@confer/testing';

import { round } from './login-load';

export interface ComponentTiming {
  name: string;
  calls: number;
  p50: number;
  max: number;
}

/**
 * The expensive steps of a sign-in timed alone, one at a time, in this
 * process, with the product's own code where it is a plain function: one IMAP
 * LOGIN with LOGOUT as mail-bridge makes it (STARTTLS to the test Dovecot),
 * one scrypt password check as auth-2fa makes it, and one RS256 signature of
 * an access token's size with a 2048-bit key, as auth-2fa's issuer signs.
 */
export async function timeComponents(mail: TestMailServer): Promise<ComponentTiming[]> {
  const account = Object.values(mail.accounts)[0];
  const server = {
    host: mail.host,
    port: mail.ports.imap,
    tls: 'starttls' as const,
    rejectUnauthorized: false,
  };
  const imap = await timed('IMAP LOGIN (STARTTLS) to Dovecot, as mail-bridge', 40, async () => {
    const outcome = await imapLogin(server, account.login, account.password, 5_000);
    if (outcome.result !== 'ok') {
      throw new Error(`the test mailbox ${account.login} did not sign in: ${outcome.result}`);
    }
  });
  const stored = await hashPassword('a benchmark password');
  const scrypt = await timed('scrypt check (N=2^15, r=8, p=1), as auth-2fa', 20, async () => {
    if (!(await verifyPassword('a benchmark password', stored))) {
      throw new Error('scrypt did not match its own hash');
    }
  });
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const claims = {
    org: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    roles: ['member'],
    sid: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    amr: ['pwd', 'otp'],
  };
  const signing = await timed('RS256 access-token signature (2048-bit key)', 200, async () => {
    await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .setIssuer('confer-auth')
      .setAudience('confer-api')
      .setSubject('0f8fad5b-d9cb-469f-a165-70867728950e')
      .setIssuedAt()
      .setExpirationTime('15m')
      .setJti('bench')
      .sign(privateKey);
  });

  return [imap, scrypt, signing];
}

async function timed(
  name: string,
  calls: number,
  call: () => Promise<void>,
): Promise<ComponentTiming> {
  await call();
  const samples: number[] = [];
  for (let index = 0; index < calls; index += 1) {
    const before = performance.now();
    await call();
    samples.push(performance.now() - before);
  }
  samples.sort((a, b) => a - b);

  return {
    name,
    calls,
    p50: round(samples[Math.floor(samples.length / 2)]),
    max: round(samples[samples.length - 1]),
  };
}
