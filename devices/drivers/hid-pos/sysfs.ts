import { readFile as fsReadFile } from 'node:fs/promises';
import { MAX_DESCRIPTOR_BYTES } from './descriptor.js';

/**
 * Linux exposes each hidraw node's report descriptor at
 * `/sys/class/hidraw/hidrawN/device/report_descriptor`. Other OSes (and node-hid) do not; callers
 * then fall back to a vendor profile.
 */
export function hidrawDescriptorPath(devicePath: string): string | undefined {
  const m = /(?:^|\/)(hidraw\d+)$/.exec(devicePath);
  return m ? `/sys/class/hidraw/${m[1]}/device/report_descriptor` : undefined;
}

/** Reads the descriptor for a hidraw path; `undefined` when the path is not hidraw or unreadable. */
export async function readHidrawReportDescriptor(
  devicePath: string,
  readFile: (path: string) => Promise<Uint8Array> = fsReadFile,
): Promise<Uint8Array | undefined> {
  const path = hidrawDescriptorPath(devicePath);
  if (!path) return undefined;
  try {
    const bytes = await readFile(path);
    return bytes.length > 0 && bytes.length <= MAX_DESCRIPTOR_BYTES ? Uint8Array.from(bytes) : undefined;
  } catch {
    return undefined;
  }
}
