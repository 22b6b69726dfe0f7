import { boxArea } from './box-area';

test('area of a box', () => expect(boxArea(0, 0, 2, 3)).toBe(6));
