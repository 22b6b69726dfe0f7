import type { BenchVideo } from './bench-data';

/**
 * The trimmed version of a video (Table 6's control, spec §5): frames from the first to the last
 * annotated frame of any of its tubes, tubes renumbered. A video without tubes is returned whole.
 */
export function trimVideo(video: BenchVideo): BenchVideo {
  const { annotation } = video;
  if (annotation.tubes.length === 0) return video;
  const first = Math.min(...annotation.tubes.map((t) => t.start));
  const last = Math.max(...annotation.tubes.map((t) => t.start + t.boxes.length / 4 - 1));
  const size = annotation.width * annotation.height * 3;
  return {
    variant: video.variant,
    annotation: {
      ...annotation,
      name: `${annotation.name}#trimmed`,
      nframes: last - first + 1,
      tubes: annotation.tubes.map((t) => ({ ...t, start: t.start - first + 1 })),
    },
    rgb: video.rgb.subarray((first - 1) * size, last * size),
    flow: video.flow.subarray((first - 1) * size, last * size),
  };
}
