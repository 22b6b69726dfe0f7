/**
 * `pnpm reproduce [--profile smoke|quick|full] [--paper step|cfad|pcsc]` — the main job.
 *
 * Runs the benchmark app of each selected paper (apps/<paper>-bench) with the profile. Until the
 * benchmark apps land, it runs the geometry demo instead and says so.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const PAPERS = ['step', 'cfad', 'pcsc'] as const;
const PROFILES = ['smoke', 'quick', 'full'] as const;
type Paper = (typeof PAPERS)[number];
type Profile = (typeof PROFILES)[number];

function parse(argv: string[]): { profile: Profile; papers: Paper[] } {
  let profile: Profile = 'quick';
  const papers: Paper[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--') continue;
    if (arg === '--profile' && PROFILES.includes(value as Profile)) {
      profile = value as Profile;
      i++;
    } else if (arg === '--paper' && PAPERS.includes(value as Paper)) {
      papers.push(value as Paper);
      i++;
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: pnpm reproduce [--profile smoke|quick|full] [--paper step|cfad|pcsc]…');
      process.exit(0);
    } else {
      console.error(
        `reproduce: unexpected argument ${arg ?? ''} ${value ?? ''}; expected --profile ${PROFILES.join('|')} or --paper ${PAPERS.join('|')}`,
      );
      process.exit(2);
    }
  }
  return { profile, papers: papers.length ? papers : [...PAPERS] };
}

const root = resolve(import.meta.dirname, '..');
const { profile, papers } = parse(process.argv.slice(2));
const available = papers.filter((p) =>
  existsSync(join(root, 'apps', `${p}-bench`, 'src', 'reproduce.ts')),
);
const missing = papers.filter((p) => !available.includes(p));
if (missing.length)
  console.log(`reproduce: no benchmark app yet for ${missing.join(', ')} — skipped.`);

if (available.length === 0) {
  console.log(
    'reproduce: no benchmark app exists yet, so the main job shows the @tubekit/geometry demo instead.\n',
  );
  await import(pathToFileURL(join(root, 'scripts', 'geometry-demo.ts')).href);
} else {
  for (const paper of available) {
    const app = await import(
      pathToFileURL(join(root, 'apps', `${paper}-bench`, 'src', 'reproduce.ts')).href
    );
    await app.reproduce({ profile });
  }
}
