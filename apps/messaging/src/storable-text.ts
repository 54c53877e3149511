/**
 * Text PostgreSQL can store exactly as given: no NUL (text columns cannot
 * hold it) and no unpaired surrogate (it would be stored as U+FFFD). Checked
 * here as well as at the gateway: no caller is trusted to have done it.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\0') && (value as unknown as WellFormed).isWellFormed();
}

/** String.prototype.isWellFormed (Node 20+): the compiler's lib level predates its typing. */
interface WellFormed {
  isWellFormed(): boolean;
}
