import { DiscussionError } from './discussions.errors';
import {
  discussionIdFor,
  isUuid,
  validIdempotencyKey,
  validTopic,
  validUserIds,
} from './discussion-input';

function fieldRefused(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DiscussionError && error.code === 'discussion.invalid') {
      return error.details?.field as string;
    }
    throw error;
  }

  return undefined;
}

describe(validTopic.name, () => {
  it('trims the topic', () => {
    expect(validTopic('  Q3 launch plan ')).toBe('Q3 launch plan');
  });

  it('counts characters, not UTF-16 units, up to 200', () => {
    expect(validTopic('😀'.repeat(200))).toHaveLength(400);
    expect(fieldRefused(() => validTopic('😀'.repeat(201)))).toBe('topic');
  });

  it.each(['', '   ', 'line\nbreak', 'x'.repeat(201)])('refuses %j', (topic) => {
    expect(fieldRefused(() => validTopic(topic))).toBe('topic');
  });
});

describe(validUserIds.name, () => {
  const id = '6b1f0a3e-8a5c-4d2e-9f1b-2c3d4e5f6a7b';

  it('deduplicates ids regardless of case', () => {
    expect(validUserIds('memberIds', [id, id.toUpperCase()])).toEqual([id]);
  });

  it('refuses ids that are not UUIDs', () => {
    expect(fieldRefused(() => validUserIds('memberIds', [id, 'bob']))).toBe('memberIds');
  });

  it('refuses more than 1,000 ids', () => {
    expect(fieldRefused(() => validUserIds('userIds', Array(1_001).fill(id)))).toBe('userIds');
  });
});

describe(validIdempotencyKey.name, () => {
  it('treats an empty key as none', () => {
    expect(validIdempotencyKey('')).toBeUndefined();
  });

  it.each(['with space', 'x'.repeat(129), 'ключ'])('refuses %j', (key) => {
    expect(fieldRefused(() => validIdempotencyKey(key))).toBe('idempotencyKey');
  });
});

describe(discussionIdFor.name, () => {
  const creator = '6b1f0a3e-8a5c-4d2e-9f1b-2c3d4e5f6a7b';

  it('gives the same UUID for the same creator and key', () => {
    const id = discussionIdFor(creator, 'key-1');

    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('8');
    expect(discussionIdFor(creator.toUpperCase(), 'key-1')).toBe(id);
  });

  it('gives different ids to different keys and different creators', () => {
    const other = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

    expect(discussionIdFor(creator, 'key-2')).not.toBe(discussionIdFor(creator, 'key-1'));
    expect(discussionIdFor(other, 'key-1')).not.toBe(discussionIdFor(creator, 'key-1'));
  });
});
