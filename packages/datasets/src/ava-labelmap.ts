import { readFile } from 'node:fs/promises';
import { INT32_LIMIT } from './decimal-number';
import { errorLine, quoteInput, TubekitFormatError } from './format-error';

/** One AVA action class from a labelmap. */
export interface AvaLabel {
  /** The AVA action id (1-based; v2.1 uses 60 of the ids 1…80). */
  id: number;
  name: string;
}

/**
 * Parses an AVA labelmap in protobuf text format — `item { name: "bend/bow (at the waist)" id: 1 }`
 * blocks, one field per line or several per line, `label_id` accepted for `id` (as the official
 * `read_labelmap`), other fields (`label_type: PERSON_MOVEMENT`) and `#` comments ignored.
 * Returns the items in file order.
 *
 * @param file - the file name used in error messages.
 * @throws TubekitFormatError naming the line when an item lacks a name or an integer id, an id
 *   repeats, or the text is not `item { … }` blocks.
 * @example
 * ```ts
 * parseAvaLabelmap('item {\n  name: "stand"\n  id: 12\n}\n', 'labelmap.pbtxt'); // [{ id: 12, name: 'stand' }]
 * ```
 */
export function parseAvaLabelmap(text: string, file: string): AvaLabel[] {
  const token = /\s*(#[^\n]*|item\b|\{|\}|[A-Za-z_]+\s*:\s*(?:"(?:[^"\\\n]|\\.)*"|[^\s{}"]+))/y;
  const labels: AvaLabel[] = [];
  const seen = new Set<number>();
  let pos = 0;
  let inItem = false;
  let itemLine = 0;
  let name: string | undefined;
  let id: number | undefined;
  const lineAt = (p: number) => text.slice(0, p).split('\n').length;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    token.lastIndex = pos;
    const m = token.exec(text);
    if (!m) {
      const rest = text.slice(pos, pos + 200);
      const start = pos + (rest.length - rest.trimStart().length);
      const unclosed = /^\s*[A-Za-z_]+\s*:\s*"/.test(rest);
      throw new TubekitFormatError(
        file,
        `line ${lineAt(start)}`,
        unclosed
          ? `unclosed quote: expected the "…" string to end on this line, got ${quoteInput(text.slice(start, text.indexOf('\n', start) >>> 0))}`
          : `expected \`item {\`, \`name: "…"\`, \`id: N\` or \`}\`, got ${quoteInput(text.slice(start, start + 40))}`,
      );
    }
    pos = token.lastIndex;
    const t = m[1]!;
    const line = lineAt(pos);
    if (t.startsWith('#')) continue;
    if (t === 'item') {
      if (inItem)
        throw new TubekitFormatError(file, `line ${line}`, 'nested `item`; expected `}` first');
      continue;
    }
    if (t === '{') {
      if (inItem) throw new TubekitFormatError(file, `line ${line}`, 'unexpected `{`');
      inItem = true;
      itemLine = line;
      name = undefined;
      id = undefined;
      continue;
    }
    if (t === '}') {
      if (!inItem) throw new TubekitFormatError(file, `line ${line}`, 'unexpected `}`');
      if (name === undefined || id === undefined)
        throw new TubekitFormatError(
          file,
          `line ${itemLine}`,
          `item lacks ${name === undefined ? 'a name' : 'an id'}; expected name: "…" and id: N`,
        );
      if (seen.has(id))
        throw new TubekitFormatError(file, `line ${itemLine}`, `id ${id} appears twice`);
      seen.add(id);
      labels.push({ id, name });
      inItem = false;
      continue;
    }
    if (!inItem)
      throw new TubekitFormatError(file, `line ${line}`, `field outside an item: ${quoteInput(t)}`);
    const colon = t.indexOf(':');
    const key = t.slice(0, colon).trim();
    const value = t.slice(colon + 1).trim();
    if (key === 'name' || key === 'display_name') {
      if (!value.startsWith('"'))
        throw new TubekitFormatError(
          file,
          `line ${line}`,
          `expected a quoted name, got ${quoteInput(value)}`,
        );
      let parsed: string;
      try {
        parsed = JSON.parse(value) as string;
      } catch (error) {
        throw new TubekitFormatError(
          file,
          `line ${line}`,
          `name ${quoteInput(value)} is not a valid quoted string: ${errorLine(error)}`,
        );
      }
      if (key === 'name' || name === undefined) name = parsed;
    } else if (key === 'id' || key === 'label_id') {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(n >= 1 && n <= INT32_LIMIT))
        throw new TubekitFormatError(
          file,
          `line ${line}`,
          `expected an integer id 1 … ${INT32_LIMIT}, got ${quoteInput(value)}`,
        );
      id = n;
    }
  }
  if (inItem)
    throw new TubekitFormatError(file, `line ${itemLine}`, 'item not closed; expected `}`');
  if (labels.length === 0) throw new TubekitFormatError(file, '', 'no `item { … }` entries');
  return labels;
}

/**
 * Reads an AVA labelmap `.pbtxt` (e.g. `ava_action_list_v2.1_for_activitynet_2018.pbtxt`, 60
 * items). See {@link parseAvaLabelmap}.
 *
 * @example
 * ```ts
 * const labels = await readAvaLabelmap(tubekitDataPath('ava/ava_action_list_v2.1_for_activitynet_2018.pbtxt'));
 * ```
 */
export async function readAvaLabelmap(path: string): Promise<AvaLabel[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read labelmap: ${(error as Error).message}`);
  }
  return parseAvaLabelmap(text, path);
}
