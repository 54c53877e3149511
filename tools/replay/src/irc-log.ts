/**
 * Reads an IRC channel log in the disentanglement data set's format:
 *   [hh:mm] <nick> text          a message
 *   === nick [user@host]  has joined #chan / has left / has quit
 *   === old is now known as new  a nick change (same person)
 *   === nick does something      an action (/me), shown as "* nick does something"
 *   === mode/… and === ..[topic… channel noise, ignored
 * Nicks are case-insensitive; a person keeps one identity across nick changes.
 */
export type LogEvent =
  | { kind: 'message'; line: number; minute: number; person: string; text: string }
  | { kind: 'join'; line: number; minute: number; person: string }
  | { kind: 'leave'; line: number; minute: number; person: string };

export interface ParsedLog {
  events: LogEvent[];
  /** Every person who appears, by the first nick they used. */
  people: string[];
  /** People who speak before any join line of theirs: members from the start. */
  initialMembers: string[];
}

const MESSAGE = /^\[(\d{2}):(\d{2})\] <([^>]+)> ?(.*)$/;
const JOIN = /^=== (\S+) \[[^\]]*\]\s+has joined /;
const LEAVE = /^=== (\S+) \[[^\]]*\]\s+has (left|quit)\b/;
const RENAME = /^=== (\S+) is now known as (\S+)\s*$/;
const NOISE = /^=== (mode\/|\.\.\[topic)/;
const ACTION = /^=== (\S+) (.+)$/;

export function parseIrcLog(text: string): ParsedLog {
  const events: LogEvent[] = [];
  const identity = new Map<string, string>();
  const people: string[] = [];
  const joinedBeforeSpeaking = new Set<string>();
  const initialMembers: string[] = [];
  const seenMember = new Set<string>();
  let minute = 0;

  const personOf = (nick: string): string => {
    const key = nick.toLowerCase();
    let person = identity.get(key);
    if (!person) {
      person = nick;
      identity.set(key, person);
      people.push(person);
    }

    return person;
  };
  const noteMember = (person: string, joined: boolean) => {
    if (seenMember.has(person)) {
      return;
    }
    seenMember.add(person);
    if (joined) {
      joinedBeforeSpeaking.add(person);
    } else {
      initialMembers.push(person);
    }
  };

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const message = MESSAGE.exec(raw);
    if (message) {
      minute = Number(message[1]) * 60 + Number(message[2]);
      const person = personOf(message[3]);
      noteMember(person, false);
      events.push({ kind: 'message', line, minute, person, text: message[4] });

      return;
    }
    if (!raw.startsWith('=== ') || NOISE.test(raw)) {
      return;
    }
    const join = JOIN.exec(raw);
    if (join) {
      const person = personOf(join[1]);
      noteMember(person, true);
      events.push({ kind: 'join', line, minute, person });

      return;
    }
    const leave = LEAVE.exec(raw);
    if (leave) {
      const person = personOf(leave[1]);
      noteMember(person, false);
      events.push({ kind: 'leave', line, minute, person });

      return;
    }
    const rename = RENAME.exec(raw);
    if (rename) {
      const person = personOf(rename[1]);
      identity.set(rename[2].toLowerCase(), person);

      return;
    }
    const action = ACTION.exec(raw);
    if (action) {
      const person = personOf(action[1]);
      noteMember(person, false);
      events.push({ kind: 'message', line, minute, person, text: `* ${action[1]} ${action[2]}` });
    }
  });

  return { events, people, initialMembers };
}
