/** Where one organisation's directory lives and how its entries map onto people. */
export interface LdapSettings {
  orgId: string;
  url: string;
  bindDn: string;
  bindPassword: string;
  people: LdapSearchBase;
  /** The organizationalUnit tree; its base entry itself is not a department. */
  departments: LdapSearchBase;
  /** Groups naming each department's members; without them, nobody is placed in one. */
  groups?: LdapSearchBase;
  attributes: AttributeMap;
  /** Values of the `status` attribute that mark an account as disabled (lower case). */
  disabledValues: string[];
  /** A group whose members are the organisation's administrators; absent: roles are left alone. */
  adminGroupDn?: string;
  tls: LdapTlsSettings;
  pageSize: number;
  timeoutMs: number;
}

export interface LdapTlsSettings {
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls: boolean;
  /** PEM certificates trusted besides the system's. */
  caCertificate?: string;
  /** Accept any certificate: test servers only. */
  skipVerify: boolean;
}

export interface LdapSearchBase {
  baseDn: string;
  filter: string;
}

/** Directory attribute names per field of a person, a department or a group. */
export interface AttributeMap {
  email: string;
  displayName: string;
  commonName: string;
  surname: string;
  givenName: string;
  title: string;
  deskPhone: string;
  mobile: string;
  employeeNumber: string;
  status: string;
  departmentName: string;
  groupMember: string;
  /** The group attribute holding the DN of the department it lists the members of. */
  groupDepartment: string;
}

export const DEFAULT_ATTRIBUTE_MAP: AttributeMap = {
  email: 'mail',
  displayName: 'displayName',
  commonName: 'cn',
  surname: 'sn',
  givenName: 'givenName',
  title: 'title',
  deskPhone: 'telephoneNumber',
  mobile: 'mobile',
  employeeNumber: 'employeeNumber',
  status: 'employeeType',
  departmentName: 'ou',
  groupMember: 'member',
  groupDepartment: 'description',
};

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * Attributes holding credentials (password hashes, Kerberos keys, LAPS
 * passwords). Every mapped field is copied into the directory, where some
 * (title, phones) are shown to the whole organisation, and a bind account
 * often may read these: a map naming one would publish everyone's secrets.
 */
const SECRET_ATTRIBUTES = new Set(
  [
    'userPassword',
    'authPassword',
    'unicodePwd',
    'dBCSPwd',
    'ntPwdHistory',
    'lmPwdHistory',
    'supplementalCredentials',
    'sambaNTPassword',
    'sambaLMPassword',
    'sambaPasswordHistory',
    'pwdHistory',
    'krbPrincipalKey',
    'krbExtraData',
    'userPKCS12',
    'msDS-ManagedPassword',
    'ms-Mcs-AdmPwd',
    'msLAPS-Password',
    'msLAPS-EncryptedPassword',
  ].map((name) => name.toLowerCase()),
);

/**
 * Overrides of the default map written as `field=attribute` pairs separated by
 * commas (`deskPhone=homePhone,status=description`). Throws on an unknown field,
 * a malformed attribute name or an attribute holding credentials.
 */
export function parseAttributeMap(text: string): AttributeMap {
  const map: AttributeMap = { ...DEFAULT_ATTRIBUTE_MAP };
  for (const pair of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [field, attribute, ...rest] = pair.split('=').map((item) => item.trim());
    // Own fields only: `in` would also accept Object's (constructor, toString, __proto__).
    if (!Object.hasOwn(DEFAULT_ATTRIBUTE_MAP, field)) {
      throw new Error(`unknown field "${field}" (known: ${Object.keys(map).join(', ')})`);
    }
    if (!attribute || rest.length > 0 || !ATTRIBUTE_NAME.test(attribute)) {
      throw new Error(`"${pair}" must be field=attributeName`);
    }
    if (SECRET_ATTRIBUTES.has(attribute.toLowerCase())) {
      throw new Error(`"${attribute}" holds credentials and may not be mapped`);
    }
    map[field as keyof AttributeMap] = attribute;
  }

  return map;
}
