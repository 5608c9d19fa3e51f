import type { CertifiedModel } from '../context.js';
import { bad, type CertifyCheck, type Finding, finding, judge } from './util.js';

export interface ReportedModel {
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly certifiedModelId?: string;
}

/** The certified-list entry a device matches (vendor if listed, model, firmware if listed, model id if listed). */
export function matchCertified(
  list: readonly CertifiedModel[],
  d: ReportedModel,
): CertifiedModel | undefined {
  return list.find(
    (c) =>
      c.model === d.model &&
      (c.vendor === undefined || c.vendor === d.vendor) &&
      (c.firmware === undefined || c.firmware.length === 0 || c.firmware.includes(d.firmware)) &&
      (c.certifiedModelId === undefined || c.certifiedModelId === d.certifiedModelId),
  );
}

const describe = (d: ReportedModel): string =>
  `vendor "${d.vendor}", model "${d.model}", firmware "${d.firmware}"${d.certifiedModelId ? `, certified model id "${d.certifiedModelId}"` : ''}`;

const listText = (list: readonly CertifiedModel[]): string =>
  list
    .map(
      (c) =>
        `${c.vendor ? `${c.vendor} ` : ''}${c.model}${c.firmware?.length ? ` [${c.firmware.join(', ')}]` : ''}${c.certifiedModelId ? ` (${c.certifiedModelId})` : ''}`,
    )
    .join('; ');

/**
 * 5.2-3 — each cipher machine answers its diagnostics command with a vendor, model and firmware
 * version that are on the certified list (config).
 */
export const cipherMachineModel: CertifyCheck = {
  id: '5.2-3',
  timeoutMs: 30_000,
  async run(ctx) {
    const list = ctx.certified.cipherMachines;
    if (list.length === 0) return judge([bad('no certified cipher-machine list is configured')]);
    const f: Finding[] = [];
    for (const [i, m] of ctx.cipherMachines.machines.entries()) {
      const client = ctx.cipherMachines.client(i);
      try {
        const r = await client.info({ timeoutMs: 2000 });
        if (r.status !== 'ok') {
          f.push(bad(`${m.name} ${m.host}:${m.port}: no diagnostics answer (${r.status}: ${r.message})`));
          continue;
        }
        const hit = matchCertified(list, r.value);
        f.push(
          finding(
            hit !== undefined,
            `${m.name} ${m.host}:${m.port} (serial ${r.value.serial}) reports ${describe(r.value)}: ${hit ? 'on' : 'NOT on'} the certified list`,
          ),
        );
      } finally {
        await client.close();
      }
    }
    f.push({ ok: true, line: `certified list: ${listText(list)}` });
    return judge(
      f,
      'Use a cipher machine model and firmware version that passed the lab test (or add the certified version to the list with its certificate).',
    );
  },
};

/**
 * 5.2-5 — each reader terminal the agent drives reports, in its own device protocol (native
 * hello → DeviceInfo), a vendor, model, firmware and certified model id on the certified list.
 */
export const terminalModel: CertifyCheck = {
  id: '5.2-5',
  timeoutMs: 30_000,
  async run(ctx) {
    const list = ctx.certified.terminals;
    if (list.length === 0) return judge([bad('no certified terminal list is configured')]);
    const terminals = await ctx.terminals.list();
    if (terminals.length === 0) return judge([bad('no reader terminal is configured')]);
    const f: Finding[] = terminals.map((t) => {
      if (!t.connected || !t.info)
        return bad(
          `terminal ${t.id} at ${t.port} (${t.driver}): ${t.connected ? 'reports no device information' : 'not connected'}`,
        );
      const hit = matchCertified(list, t.info);
      return finding(
        hit !== undefined,
        `terminal ${t.id} at ${t.port} (${t.driver}, serial ${t.info.serial}) reports ${describe(t.info)}: ${hit ? 'on' : 'NOT on'} the certified list`,
      );
    });
    f.push({ ok: true, line: `certified list: ${listText(list)}` });
    return judge(f, 'Deploy only reader terminals of a certified model and firmware version.');
  },
};
