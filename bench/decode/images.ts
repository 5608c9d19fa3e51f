/**
 * A folder of real images as one benchmark category, `images`: every `x.png`/`x.jpg`/`x.jpeg`
 * with a sibling `x.txt` holding the expected text (compared after line-ending normalisation,
 * `compare.ts`: CRLF = LF, trailing newlines ignored, on both sides). Images
 * without a `.txt` are skipped and reported.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { decodeImageFile } from '../../firmware-sdk/decode/codecs.js';
import { toGrey } from '../../firmware-sdk/decode/image.js';
import type { Sample } from './corpus.js';

export const IMAGES_CATEGORY = 'images';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface FolderCorpus {
  readonly samples: Sample[];
  /** Files that could not be used, with the reason. */
  readonly skipped: { readonly file: string; readonly reason: string }[];
}

export async function loadImageFolder(dir: string): Promise<FolderCorpus> {
  const names = (await readdir(dir)).sort();
  const samples: Sample[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    if (!IMAGE_EXTENSIONS.has(ext)) continue;
    const stem = basename(name, extname(name));
    let expected: string;
    try {
      expected = await readFile(join(dir, `${stem}.txt`), 'utf8');
    } catch {
      skipped.push({ file: name, reason: `no ${stem}.txt with the expected text` });
      continue;
    }
    const decoded = decodeImageFile(await readFile(join(dir, name)));
    if (!decoded.ok) {
      skipped.push({ file: name, reason: decoded.error });
      continue;
    }
    samples.push({
      id: `${IMAGES_CATEGORY}/${name}`,
      category: IMAGES_CATEGORY,
      expected,
      image: toGrey(decoded.value),
    });
  }
  return { samples, skipped };
}
