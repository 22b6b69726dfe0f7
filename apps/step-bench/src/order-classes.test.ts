import { orderClassesOf } from './order-classes';

describe('orderClassesOf', () => {
  it("names the -v2 presets' order classes and none of the first presets'", () => {
    expect(orderClassesOf('quick-v2')).toEqual([
      'kick-bow',
      'bow-kick',
      'punch-raise',
      'raise-punch',
    ]);
    expect(orderClassesOf('smoke')).toEqual([]);
  });
});
