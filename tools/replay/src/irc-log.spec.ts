import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseIrcLog } from './irc-log';

describe(parseIrcLog.name, () => {
  it('reads messages, joins, leaves, actions and keeps one person across nick changes', () => {
    const log = [
      '[11:29] <dave> hello',
      '=== Gorth [user@host.invalid]  has joined #ubuntu',
      '[11:31] <Gorth> !!',
      '=== Gorth is now known as gorth_away',
      '[11:32] <GORTH_AWAY> back',
      '=== topyli blames gorth',
      '=== mode/#ubuntu [user@host.invalid]  by Seveas',
      '=== dave [user@host.invalid]  has quit ["bye"]',
    ].join('\n');

    const parsed = parseIrcLog(log);

    expect(parsed.people).toEqual(['dave', 'Gorth', 'topyli']);
    expect(parsed.initialMembers).toEqual(['dave', 'topyli']);
    expect(parsed.events.map((e) => [e.kind, e.person])).toEqual([
      ['message', 'dave'],
      ['join', 'Gorth'],
      ['message', 'Gorth'],
      ['message', 'Gorth'],
      ['message', 'topyli'],
      ['leave', 'dave'],
    ]);
    expect(parsed.events[4]).toMatchObject({ text: '* topyli blames gorth', minute: 11 * 60 + 32 });
  });

  it('reads the shipped real log without losing a message line', () => {
    const text = readFileSync(join(__dirname, '../fixtures/ubuntu-irc-2005-08-08_01.log'), 'utf8');
    const messageLines = text.split('\n').filter((line) => /^\[\d\d:\d\d\] </.test(line)).length;

    const parsed = parseIrcLog(text);

    const messages = parsed.events.filter((e) => e.kind === 'message');
    expect(messages.length).toBeGreaterThanOrEqual(messageLines);
    expect(parsed.people.length).toBeGreaterThan(50);
    expect(parsed.events.some((e) => e.kind === 'join')).toBe(true);
    expect(parsed.events.some((e) => e.kind === 'leave')).toBe(true);
  });
});
