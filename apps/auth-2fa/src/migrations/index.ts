import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { Issuer1764979200000 } from './1764979200000-issuer';
import { AuditTrail1796410532649 } from './1796410532649-audit-trail';
import { Sessions1796410548137 } from './1796410548137-sessions';
import { TwoFactor1796410594900 } from './1796410594900-two-factor';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [
  InitialSchema1764806400000,
  Issuer1764979200000,
  AuditTrail1796410532649,
  Sessions1796410548137,
  TwoFactor1796410594900,
];
