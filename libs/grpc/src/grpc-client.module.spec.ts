import { Inject, Injectable } from '@nestjs/common';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { common } from '@confer/proto';

import { Caller, isSystemCaller } from './caller';
import { GrpcClientModule, grpcReadinessCheck } from './grpc-client.module';

const CONTACTS = Symbol('CONTACTS');
const MESSAGING = Symbol('MESSAGING');

@Injectable()
class NeedsBoth {
  constructor(
    @Inject(CONTACTS) readonly contacts: { describe?: unknown },
    @Inject(MESSAGING) readonly messaging: { describe?: unknown },
  ) {}
}

describe(GrpcClientModule.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('provides one client per imported service and closes each channel on shutdown', async () => {
    const close = jest.spyOn(ClientGrpcProxy.prototype, 'close');
    const module = await Test.createTestingModule({
      imports: [
        GrpcClientModule.forRoot({ service: 'contacts', url: '127.0.0.1:1', token: CONTACTS }),
        GrpcClientModule.forRoot({ service: 'messaging', url: '127.0.0.1:2', token: MESSAGING }),
      ],
      providers: [NeedsBoth],
    }).compile();
    const clients = module.get(NeedsBoth);

    expect(typeof clients.contacts.describe).toBe('function');
    expect(typeof clients.messaging.describe).toBe('function');
    expect(clients.contacts).not.toBe(clients.messaging);

    await module.close();

    expect(close).toHaveBeenCalledTimes(2);
  });
});

describe(grpcReadinessCheck.name, () => {
  const description: common.ServiceDescription = {} as common.ServiceDescription;

  it('is named after the service and asks it to describe itself as the platform', async () => {
    const callers: Caller[] = [];
    const check = grpcReadinessCheck('contacts', {
      describe: async (caller) => {
        callers.push(caller);

        return description;
      },
    });

    await check.check();

    expect(check.name).toBe('contacts');
    expect(callers).toHaveLength(1);
    expect(isSystemCaller(callers[0])).toBe(true);
  });

  it('fails while the service does not answer', async () => {
    const check = grpcReadinessCheck('messaging', {
      describe: () => Promise.reject(new Error('unavailable')),
    });

    await expect(check.check()).rejects.toThrow('unavailable');
  });
});
