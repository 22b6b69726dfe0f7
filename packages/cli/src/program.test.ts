import { createProgram } from './program';

describe('tubekit program', () => {
  it('lists its commands in --help', () => {
    const help = createProgram().helpInformation();
    expect(help).toContain('Usage: tubekit');
    expect(help).toContain('version');
  });

  it('prints the version as JSON', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await createProgram().parseAsync(['node', 'tubekit', 'version', '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(writes.join(''))).toMatchObject({
      tubekit: expect.any(String),
      node: process.version,
    });
  });
});
