import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { Discussions1764979200000 } from './1764979200000-discussions';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [InitialSchema1764806400000, Discussions1764979200000];
