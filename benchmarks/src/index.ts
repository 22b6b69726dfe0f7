export type { BenchCase, BenchSuite, MeasureCase, MicroCase } from './suite';
export { defineBenchSuite } from './suite';
