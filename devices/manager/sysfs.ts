/**
 * Linux serial ports from sysfs: `/sys/class/tty/<name>/device` links into the USB tree
 * (`…/1-1.4/1-1.4:1.0/tty/ttyACM0`); the nearest ancestor with `idVendor` is the USB device,
 * whose directory name is its location (`1-1.4`). This gives the USB location that
 * `SerialPort.list()` leaves empty on Linux, and a listing that works where `udevadm` (which
 * bindings-cpp's Linux `list()` spawns) is missing, e.g. in containers.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SerialListing } from './candidates.js';

const TTY_NAME = /^tty(ACM|USB|WCH|XRUSB|AMA|S)\d+$/;

async function readAttr(dir: string, name: string): Promise<string | undefined> {
  try {
    const v = (await readFile(join(dir, name), 'utf8')).trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await readAttr(dirname(path), basename(path))) !== undefined;
}

async function usbAncestor(
  start: string,
  levels = 5,
): Promise<{ usbDir: string; ifaceDir?: string } | undefined> {
  let dir = start;
  let child: string | undefined;
  for (let i = 0; i < levels; i++) {
    if (await exists(join(dir, 'idVendor')))
      return child ? { usbDir: dir, ifaceDir: child } : { usbDir: dir };
    child = dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** One serial listing per tty with a device link; USB ids and location when it is a USB port. */
export async function sysfsSerialPorts(root = '/sys', devRoot = '/dev'): Promise<SerialListing[]> {
  let names: string[];
  try {
    names = await readdir(join(root, 'class', 'tty'));
  } catch {
    return [];
  }
  const out: SerialListing[] = [];
  for (const name of names.filter((n) => TTY_NAME.test(n)).sort()) {
    let device: string;
    try {
      device = await realpath(join(root, 'class', 'tty', name, 'device'));
    } catch {
      continue; // virtual consoles and unbacked ttyS ports have no device link
    }
    const usb = await usbAncestor(device);
    const base = {
      path: join(devRoot, name),
      manufacturer: undefined,
      serialNumber: undefined,
      pnpId: undefined,
      locationId: undefined,
      vendorId: undefined,
      productId: undefined,
    };
    if (!usb) {
      out.push(base);
      continue;
    }
    const iface = usb.ifaceDir ? await readAttr(usb.ifaceDir, 'bInterfaceNumber') : undefined;
    const listing: SerialListing = {
      ...base,
      manufacturer: await readAttr(usb.usbDir, 'manufacturer'),
      serialNumber: await readAttr(usb.usbDir, 'serial'),
      vendorId: await readAttr(usb.usbDir, 'idVendor'),
      productId: await readAttr(usb.usbDir, 'idProduct'),
      usbLocation: basename(usb.usbDir),
    };
    const product = await readAttr(usb.usbDir, 'product');
    out.push({
      ...listing,
      ...(iface !== undefined ? { interfaceNumber: Number.parseInt(iface, 16) } : {}),
      ...(product !== undefined ? { product } : {}),
    });
  }
  return out;
}
