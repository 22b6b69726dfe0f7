/**
 * @tubekit/heads — action detection heads. Each head is a subpath export:
 * `@tubekit/heads/progressive` (STEP) and `@tubekit/heads/cross-stream` (PCSC). The root
 * re-exports the progressive head's names.
 */
export * from './progressive/index';
