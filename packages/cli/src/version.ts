import manifest from '../package.json';

/** The version in this package's manifest. */
export const TUBEKIT_VERSION: string = manifest.version;
