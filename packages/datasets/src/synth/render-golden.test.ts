import { createHash } from 'node:crypto';
import {
  SYNTH_PRESETS,
  SYNTH_VARIANTS,
  type SynthPreset,
  type SynthVariant,
  synthPresetConfig,
} from './config';
import { createSynthTubes } from './synth-tubes';

/**
 * Every pixel SynthTubes renders, pinned: SHA-256 of all frames of the first two training videos
 * of each preset (one video per variant of `quick-v2`) — the RGB and flow frames a `frameSource`
 * delivers, and the renderer's exact flow and owner mask. The presets are versioned and cached by
 * content, so a faster renderer must give the same bytes; change a hash only on purpose, with a
 * new preset version and a changeset. The hashes were computed before the renderer was optimised.
 */
const GOLDEN: Record<string, { rgb: string; flow: string; exact: string; owner: string }> = {
  smoke: {
    rgb: '7fb67e0ca5950e6cbdbafebd35bf016f563642ae21079933b934c7bc8df248c1',
    flow: '61ec941b73fdaa02c5071d1e95501b5f245b6b30a7c2613797bea463900ae0ac',
    exact: 'd076db45998ab75e20157676bb7cf99184a40b772c38d39d4a9451bfd1b6f7ec',
    owner: '4ca09debb45a2caa5821d395fddf9d1b2f7fc8aa0d868a9ea483aed8efcde989',
  },
  quick: {
    rgb: '5a8e3304e3525411c90ec3831ba25e83f0023cfa9745ca8ec105e4699c0b323a',
    flow: '0d2925c416471acb349dc291a6009a450529432eb05dfa1282e43b83605a139f',
    exact: '5c02823005203e22762df529021ed07873c3c120f6acd5a253ee6448cf487034',
    owner: '8e121a1bc2b53074dae787dc4fb0383ee6a408730050b36101621c325f234b4b',
  },
  full: {
    rgb: 'e3cade68c970b2fe95521563380abb3db96f881cfa512bd703298d19266b1a48',
    flow: '702e83db5b4fa9b17c108eb7d7f5307459bd22fa0e2c402920b3cd8c45eabb0e',
    exact: '02cd261c2919ae1c1528ae3ac210a60e4c3b793ddbeccc07e8974e33cf62a3a2',
    owner: '5b3befe33175b3557b402f7b050257cb3f2602e1662dc176703f4aa0e7c9cd98',
  },
  'smoke-v2': {
    rgb: '3f6915c46b6db67a7c2bf84c3bbf1b160ed7c42b9e672acc1d761112363ed8da',
    flow: 'ccf0962997372c43d85cc71e4f251dfce3702cbc906da27c85426a67b73f494e',
    exact: 'd0718e0496f06d55521de98261f68d3e8c157275633e24e251b69a70a338adfa',
    owner: 'b548b87c92530e37dd7c92a54929b7857c1aa608cda30d67eeecc7c331043814',
  },
  'quick-v2': {
    rgb: 'ab6f27fca774552bd6ce358221974d0734e0641adadaa959054f0c84aece7581',
    flow: '16fb1b3de0e1df68e8f7666682d6fcf37d7e00c3400005490a61d75bb2f912f0',
    exact: '460b8dab02015059770b4509b213179bd6bc8eb63d62b003bbc2f4b167a13640',
    owner: 'a9731d14dcd299fd68319d0051d54fede518a73fe587baebc75c95980bc022a4',
  },
  'full-v2': {
    rgb: 'b8b715dc15f8eb8f3e6e6f88465c949fd576f4fa85af4484cc1cf653ea56e604',
    flow: '855dac89ae051918be22556df45e6bdda1ae1c7235d78fb013e2b458ddf9b90c',
    exact: '9c1d1e7f21522b58dcddee767b269cfe434e5226994401743d671c476ef0aec2',
    owner: '901346f87b0d08abf6d8c9094e3a9a7bad68c357a37b9c0b9325a176d4cd5eb6',
  },
  'quick-v2-dynamic': {
    rgb: 'e997412c1c7dfd4039d2c76d063b3fb03147168bcd8bfca16608c6b486425f27',
    flow: 'af5497451faa2ee448525d16576b5415cf4a2d7797e24a1d620bfa0b9a89cd05',
    exact: 'b11c436ccc1f4b11bb765007a4a3d5a7a26f5afaf031bf0299cd73f8c0eb0443',
    owner: '2c8e7b8ee8427ccf584973bb732f662dc52fb2f3d6917057f43e63fef03de1ac',
  },
  'quick-v2-static': {
    rgb: '382592d39d78756c0ebf970c3135ee299e2d1dba55ebbe06025dee246bdc0dbd',
    flow: 'c7560ad840a741cb70d6dc7944ac715ee0e3aecb520e4a336ce8711f7879ba02',
    exact: 'b3818ec5571ce35ccfb3adefa5905a5d1924c6054dc64cf2965cef28ab15899e',
    owner: 'fb722e5e7047ce49ad58b364c765832315d538389dc11b76dc646a7c1644a4ad',
  },
  'quick-v2-appearance-hard': {
    rgb: 'c6e96b1e3fbf7f575e69aaf0a0514be675d0f42e1c6cdd64cbaf4c791b51423b',
    flow: '892c4870335916856cb5497e4aa63e234c2f219171c9cac8564989c808dfa4dc',
    exact: '7b0dc2b31152ace6a1c39c0c18003d76da01646cd72832e37db275422be36e3f',
    owner: '5e2a0f3ae577eb1c535c6123cf98c9b88e3a62e4426fa96aa36d290c7d82b622',
  },
  'quick-v2-motion-hard': {
    rgb: '7d964b4b286bdbff350a61e592b80ef86ea32aad00a088c6d835d1d130d55c5d',
    flow: '5bcbf9479a091c49a526f74eb1f894c8e13d0b01ed5e7f2c4b664b820ca1a95f',
    exact: 'afd25ec9eb31a723e73f02d4085e23e4dfb22e589fb4dbcfcd362fb082282ec9',
    owner: 'd8d98785480af9e324ac1d9910df04357d28885efd7a38c451b7a6e18220e713',
  },
  // the flow of appearance-hard-v2 is appearance-hard's (and the plain preset's): only RGB changes
  'quick-v2-appearance-hard-v2': {
    rgb: '71444a2c30626b07f67afa9e527fc458e232c352e607efdeeeb5b36eb0e9538b',
    flow: '892c4870335916856cb5497e4aa63e234c2f219171c9cac8564989c808dfa4dc',
    exact: '7b0dc2b31152ace6a1c39c0c18003d76da01646cd72832e37db275422be36e3f',
    owner: '5e2a0f3ae577eb1c535c6123cf98c9b88e3a62e4426fa96aa36d290c7d82b622',
  },
  'quick-v2-motion-hard-v2': {
    rgb: 'e9ab1a5f7b40dbf4c40571277b44d5b7ccff7974bd43db64bfc0243f240a5d88',
    flow: '799fd2d8f830f55e4eabd01221620d9fb655e8dd24d8407628318849fc242885',
    exact: 'bfc57f8b88de39e0f7b73f4b606d098c9454324c2b59b316bd673a906ad928f8',
    owner: '541542d83ee4ab67266d12ab9d1bacccdf34f57725cf91223ad32b3411af0fd9',
  },
};

function framesHash(preset: SynthPreset, videos: number, variant?: SynthVariant) {
  // The first training videos of a preset do not depend on how many videos it has.
  const synth = createSynthTubes({
    ...synthPresetConfig(preset, 0, variant),
    videos: { train: videos, test: 0 },
  });
  const hashes = { rgb: createHash('sha256'), flow: createHash('sha256') };
  const exact = createHash('sha256');
  const owner = createHash('sha256');
  for (const video of synth.dataset.videos) {
    const N = video.width * video.height;
    const field = new Float32Array(2 * N);
    const mask = new Uint8Array(N);
    for (const modality of ['rgb', 'flow'] as const) {
      const source = synth.frameSource(video.name, modality);
      for (let f = 1; f <= video.nframes; f++) {
        const frame = source.readSync(f);
        hashes[modality].update(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
      }
    }
    const renderer = synth.renderer(video.name);
    for (let f = 1; f <= video.nframes; f++) {
      renderer.render(f, { flow: field, owner: mask });
      exact.update(new Uint8Array(field.buffer));
      owner.update(mask);
    }
  }
  return {
    rgb: hashes.rgb.digest('hex'),
    flow: hashes.flow.digest('hex'),
    exact: exact.digest('hex'),
    owner: owner.digest('hex'),
  };
}

describe('SynthTubes rendering is byte-identical to the pinned frames', () => {
  it.each(SYNTH_PRESETS.map((p) => [p]))('%s: 2 videos, rgb + flow', (preset) => {
    expect(framesHash(preset, 2)).toEqual(GOLDEN[preset]);
  });

  it.each(SYNTH_VARIANTS.map((v) => [v]))('quick-v2 %s: 1 video, rgb + flow', (variant) => {
    expect(framesHash('quick-v2', 1, variant)).toEqual(GOLDEN[`quick-v2-${variant}`]);
  });
});
