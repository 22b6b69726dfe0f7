import { createSynthTubes, synthPresetConfig } from '@tubekit/datasets';
import { synthActors } from './trunks';

describe('synthActors', () => {
  const synth = createSynthTubes(synthPresetConfig('smoke-v2', 1));
  const classes = synth.config.classes;
  const actors = synthActors(synth, 112);

  it('names the sub-action an order-class actor shows on most window frames as its recognition label', () => {
    const video = synth.dataset.videos.find((v) =>
      synth.scene(v.name).actors.some((a) => a.split !== undefined),
    );
    if (!video) throw new Error('smoke-v2 (seed 1) has no order-class actor');
    const i = synth.scene(video.name).actors.findIndex((a) => a.split !== undefined);
    const actor = synth.scene(video.name).actors[i];
    const split = actor.split as number;
    const label = actor.label;
    const partner = classes.findIndex((c) => c.name === classes[label].pairedWith);
    expect(classes[label].differsBy).toBe('order');
    // well before the switch: its own first sub-action; well after: the partner's first one
    const before = actors(video, split - 10, 6)[i];
    const after = actors(video, split + 4, 6)[i];
    expect([before.label, before.recognitionLabel]).toEqual([label, undefined]);
    expect([after.label, after.recognitionLabel]).toEqual([label, partner]);
    expect(classes[partner].cycle).toBe(classes[label].followedBy?.cycle);
  });

  it('gives other actors no recognition label of their own', () => {
    for (const video of synth.dataset.videos.slice(0, 12))
      synth.scene(video.name).actors.forEach((a, i) => {
        if (a.split === undefined)
          expect(actors(video, 1, video.nframes)[i].recognitionLabel).toBeUndefined();
      });
  });
});
