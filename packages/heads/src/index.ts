/**
 * @tubekit/heads — action detection heads. Each head is a subpath export:
 * `@tubekit/heads/progressive` (STEP), `@tubekit/heads/coarse-to-fine` (CFAD). The root
 * re-exports their names.
 */
export * from './coarse-to-fine/index';
export * from './progressive/index';
