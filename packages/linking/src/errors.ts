/**
 * A linker or trimmer was given input it cannot use (unsorted frames, rows of one video split
 * apart, duplicate tube ids, a non-finite score or coordinate, mismatched array lengths). The
 * message names the input, the row or tube, and what was expected.
 */
export class LinkingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkingInputError';
  }
}
