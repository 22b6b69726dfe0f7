import manifest from '../package.json';

/**
 * The tubekit version of this package's manifest: coordinator and workers must run the same one
 * (all tubekit packages are versioned together by changesets).
 */
export const TUBEKIT_VERSION: string = manifest.version;
