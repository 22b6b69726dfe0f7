/**
 * @tubekit/heads — action detection heads. Each head is a subpath export:
 * `@tubekit/heads/progressive` (STEP), `@tubekit/heads/coarse-to-fine` (CFAD) and
 * `@tubekit/heads/cross-stream` (PCSC). The root re-exports the STEP and CFAD heads' names.
 */
export * from './coarse-to-fine/index';
export * from './progressive/index';
