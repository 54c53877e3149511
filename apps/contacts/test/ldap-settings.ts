import { contacts } from '@confer/proto';

/** The update that stores these settings again, with a new password or the stored one (''). */
export function updateOf(
  settings: contacts.LdapSettings,
  bindPassword = '',
): contacts.UpdateLdapSettingsRequest {
  const { bindPasswordSet: _set, source: _source, updatedAt: _updatedAt, ...fields } = settings;

  return { ...fields, bindPassword };
}
