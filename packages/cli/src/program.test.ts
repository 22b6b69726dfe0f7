import { TubekitFormatError } from '@tubekit/datasets';
import { runCli } from '../test/run-cli';
import { createProgram } from './program';
import { describeError } from './run-action';

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

  it('prints a missing required option as one line in the house style', async () => {
    const run = await runCli('eval', 'frame', '--det', 'd.csv', '--protocol', 'voc').catch(
      (error: { code?: string }) => error,
    );
    expect((run as { code?: string }).code).toBe('commander.missingMandatoryOptionValue');
    // the line itself, written through commander's outputError
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await createProgram()
        .exitOverride()
        .parseAsync(['node', 'tubekit', 'eval', 'frame', '--det', 'd.csv', '--protocol', 'voc'])
        .catch(() => undefined);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      'tubekit eval frame: --gt <file>: required option missing (run tubekit eval frame --help for usage)\n',
    ]);
  });

  it('formats reader errors as <file>:<line>: <reason>, escaped and bounded', () => {
    expect(describeError(new TubekitFormatError('d.csv', 'line 3, column x2', 'expected …'))).toBe(
      'd.csv:3: column x2: expected …',
    );
    expect(describeError(new TubekitFormatError('g.json', 'key videos[0]', 'bad'))).toBe(
      'g.json: key videos[0]: bad',
    );
    expect(describeError(new TubekitFormatError('g.json', '', 'bad'))).toBe('g.json: bad');
    const huge = describeError(new Error(`MATLAB 5.0\u0000\u0001${'x'.repeat(5_000_000)}`));
    expect(huge.length).toBeLessThan(700);
    expect(huge.startsWith('MATLAB 5.0\\x00\\x01x')).toBe(true);
  });
});
