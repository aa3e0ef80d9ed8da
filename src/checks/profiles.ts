/**
 * Profiles as the CLI loads them: validated against the check catalogue, so an
 * unknown check id or a malformed `params` is an error at its file:line:column.
 */
import { loadProfile, type Profile, type ProfileCatalogue } from '../core/profile.ts';
import { findCheck } from './index.ts';

export const CATALOGUE: ProfileCatalogue = {
  has: (id) => findCheck(id) !== undefined,
  params: (id) => findCheck(id)?.meta.params,
};

export function loadCatalogueProfile(idOrPath = 'anssi-base'): Profile {
  return loadProfile(idOrPath, { catalogue: CATALOGUE });
}
