import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { Directory1764979200000 } from './1764979200000-directory';
import { DepartmentsAndSync1765152000000 } from './1765152000000-departments-and-sync';
import { ListsAndOrgSettings1796410444965 } from './1796410444965-lists-and-org-settings';
import { DirectoryServers1796410555013 } from './1796410555013-directory-servers';
import { ScimProvisioning1796410634397 } from './1796410634397-scim-provisioning';
import { PeopleSearchIndexes1796410973608 } from './1796410973608-people-search-indexes';
import { GivenNameSearchKeys1796416628892 } from './1796416628892-given-name-search-keys';
import { RekeyChineseNames1796416628893 } from './1796416628893-rekey-chinese-names';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [
  InitialSchema1764806400000,
  Directory1764979200000,
  DepartmentsAndSync1765152000000,
  ListsAndOrgSettings1796410444965,
  DirectoryServers1796410555013,
  ScimProvisioning1796410634397,
  PeopleSearchIndexes1796410973608,
  GivenNameSearchKeys1796416628892,
  RekeyChineseNames1796416628893,
];
