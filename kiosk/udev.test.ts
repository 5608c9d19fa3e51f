import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS, VENDORS } from '../devices/profiles.js';
import { DEFAULT_LAYOUT, type KioskLayout } from './layout.js';
import { renderUdevRules, scannerVendorIds } from './udev-rules.js';
import { checkUdevRules } from './udev-syntax.js';

const layout: KioskLayout = { ...DEFAULT_LAYOUT, nodePath: '/usr/bin/node', cliPath: '/opt/ehc/dist/cli.js' };
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

describe('udev rules for the supported scanners', () => {
  const rules = renderUdevRules(layout);

  it('pass the syntax check', () => {
    expect(checkUdevRules(rules)).toEqual([]);
  });

  it('cover every vendor id of every vendor and model profile, for hidraw, tty and raw USB', () => {
    const vids = new Set([...VENDORS.map((v) => hex4(v.vid)), ...MODELS.map((m) => hex4(m.vid))]);
    expect(
      scannerVendorIds()
        .map((v) => v.vid)
        .sort(),
    ).toEqual([...vids].sort());
    for (const vid of vids) {
      for (const subsystem of ['usb', 'hidraw', 'tty']) {
        const rule = rules
          .split('\n')
          .find((l) => l.startsWith(`SUBSYSTEM=="${subsystem}"`) && l.includes(`{idVendor}=="${vid}"`));
        expect(rule, `${subsystem} rule for ${vid}`).toBeDefined();
        expect(rule).toContain(`GROUP="${layout.group}", MODE="0660"`);
      }
    }
  });

  it('give serial and HID nodes a stable name by USB id and serial number', () => {
    expect(rules).toContain(
      'SYMLINK+="ehc/%s{idVendor}-%s{idProduct}-%s{serial}-if$env{ID_USB_INTERFACE_NUM}"',
    );
    expect(rules).toContain('SYMLINK+="ehc/%s{idVendor}-%s{idProduct}-%s{serial}-hidraw"');
  });

  it('use the layout group', () => {
    const other = renderUdevRules({ ...layout, group: 'scanners' });
    expect(other).toContain('GROUP="scanners"');
    expect(other).not.toContain('GROUP="ehc"');
  });
});

describe('udev syntax check', () => {
  it.each([
    ['SUBSYSTEM="tty", GROUP="ehc"', /match key/],
    ['SUBSYSTEM=="tty", GROUP=="ehc"', /assignment key/],
    ['SUBSYSTEM=="tty" GROUP="ehc"', /cannot parse/],
    ['SUBSYSTEM=="tty", GROUP="ehc",', /trailing comma/],
    ['SUBSYSTEM=="tty", MODE="rw"', /not octal/],
    ['SUBSYSTEM=="tty", ATTR=="x"', /attribute in braces/],
    ['SUBSYTEM=="tty", GROUP="ehc"', /unknown key SUBSYTEM/],
    ['SUBSYSTEM=="tty", GROUP="ehc', /cannot parse/],
    ['ACTION=="remove", GOTO="nowhere"', /no LABEL/],
  ])('refuses %s', (line, message) => {
    const errors = checkUdevRules(`# a comment\n${line}\n`);
    expect(errors.map((e) => e.message).join('; ')).toMatch(message);
    expect(errors[0]?.line).toBe(2);
  });

  it('joins backslash continuations and reports the rule’s first line', () => {
    expect(checkUdevRules('SUBSYSTEM=="tty", \\\n  GROUP="ehc"\n')).toEqual([]);
    expect(checkUdevRules('\nSUBSYSTEM=="tty", \\\n  GROUP=="ehc"\n')[0]?.line).toBe(2);
  });

  // The check must not be stricter than udev: every rules file the system ships passes it.
  const systemDir = ['/usr/lib/udev/rules.d', '/lib/udev/rules.d'].find((d) => existsSync(d));
  it.skipIf(!systemDir)('accepts every rules file this system ships', () => {
    const files = readdirSync(systemDir!).filter((f) => f.endsWith('.rules'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      expect(checkUdevRules(readFileSync(join(systemDir!, f), 'utf8')), f).toEqual([]);
    }
  });
});
