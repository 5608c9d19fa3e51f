// The real machine: node:fs/promises, /sys and /dev, dynamic import(), the project's httpsFetch.
import { access, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { httpsFetch } from '../clients/central/https-fetch.js';
import { UDEV_RULE_FILE } from './checks/devices.js';
import type { DoctorEnv } from './types.js';

export function systemEnv(vars: Readonly<Record<string, string | undefined>> = process.env): DoctorEnv {
  return {
    nodeVersion: process.version,
    now: Date.now,
    loadModule: (name) => import(name),
    fs: {
      readFile: (p) => readFile(p),
      readdir: (p) => readdir(p, { withFileTypes: true }),
      stat: (p) => stat(p),
      access: (p, mode) => access(p, mode),
      statfs: (p) => statfs(p),
    },
    sysRoot: '/sys',
    devRoot: '/dev',
    groupFile: '/etc/group',
    udevRuleFile: UDEV_RULE_FILE,
    makeFetch: (ca) => httpsFetch(ca ? { ca } : {}),
    vars,
  };
}
