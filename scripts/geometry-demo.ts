/** A short tour of @tubekit/geometry, printed by `pnpm reproduce` until the benchmark apps exist. */
import { boxArea } from '@tubekit/geometry';

console.log('box [10, 10, 50, 30] has area', boxArea(10, 10, 50, 30));
