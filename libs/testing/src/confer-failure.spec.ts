import { createServer } from 'node:net';

import { RequestError } from '@confer/errors';

import { conferFailure } from './confer-failure';
import { freePort } from './free-port';

describe(conferFailure.name, () => {
  it('returns the ConferError a call failed with', async () => {
    const error = RequestError.invalid('bad input');

    await expect(conferFailure(Promise.reject(error))).resolves.toBe(error);
  });

  it('rethrows a failure that is not a ConferError', async () => {
    await expect(conferFailure(Promise.reject(new TypeError('boom')))).rejects.toThrow(TypeError);
  });

  it('fails when the call succeeds', async () => {
    await expect(conferFailure(Promise.resolve('fine'))).rejects.toThrow(
      'expected the call to fail',
    );
  });
});

describe(freePort.name, () => {
  it('returns a loopback port that can be listened on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));

    expect(port).toBeGreaterThan(0);
    expect(typeof address === 'object' && address ? address.port : 0).toBe(port);
  });
});
