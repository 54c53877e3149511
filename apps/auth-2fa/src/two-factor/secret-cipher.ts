import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One AES-256 key from configuration and the id stored beside what it encrypted. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** A TOTP secret as stored: the key id, and nonce + tag + ciphertext in one buffer. */
export interface SealedSecret {
  keyId: string;
  sealed: Buffer;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for TOTP secrets at rest. The first configured key encrypts;
 * every configured key decrypts, so a new key can be put first and rows under
 * the old ones re-encrypted (`needsReseal`) before the old key is dropped.
 * The user id is bound in as associated data: a row copied onto another user
 * does not decrypt.
 */
export class SecretCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) {
      throw new RangeError('at least one key is needed');
    }
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  get keyIds(): string[] {
    return this.keys.map((entry) => entry.id);
  }

  seal(secret: Buffer, userId: string): SealedSecret {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, nonce);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);

    return {
      keyId: this.keys[0].id,
      sealed: Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]),
    };
  }

  /** Throws UnknownSecretKeyError for a key no longer configured; a tampered row fails the tag. */
  open(stored: SealedSecret, userId: string): Buffer {
    const key = this.byId.get(stored.keyId);
    if (!key) {
      throw new UnknownSecretKeyError(stored.keyId);
    }
    const nonce = stored.sealed.subarray(0, NONCE_BYTES);
    const tag = stored.sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(userId, 'utf8'));
    decipher.setAuthTag(tag);

    return Buffer.concat([
      decipher.update(stored.sealed.subarray(NONCE_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  }

  needsReseal(stored: Pick<SealedSecret, 'keyId'>): boolean {
    return stored.keyId !== this.currentKeyId;
  }
}

export class UnknownSecretKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`no configured key has id ${keyId}`);
    this.name = UnknownSecretKeyError.name;
  }
}

/**
 * Parses TWO_FACTOR_SECRET_KEYS: `id:base64key` entries separated by commas,
 * the encrypting key first. Returns the keys or the list of what is wrong.
 */
export function parseSecretKeys(text: string): { keys: SecretKey[] } | { problems: string[] } {
  const problems: string[] = [];
  const keys: SecretKey[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    const match = /^([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(entry);
    if (!match) {
      problems.push('each key must be id:base64 (id of letters, digits, _ . -)');
      continue;
    }
    const key = Buffer.from(match[2], 'base64');
    if (key.length !== 32) {
      problems.push(`key ${match[1]} must be 32 bytes (base64 of 32 random bytes)`);
    }
    if (keys.some((known) => known.id === match[1])) {
      problems.push(`key id ${match[1]} appears twice`);
    }
    keys.push({ id: match[1], key });
  }

  return problems.length > 0 ? { problems } : { keys };
}
