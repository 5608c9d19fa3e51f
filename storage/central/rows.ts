import type {
  CardDetails,
  CardRecord,
  CodeKind,
  GeneratedCode,
  StoredUseRecord,
  TerminalRecord,
} from './contract.js';

/**
 * Row shapes of the central tables and their mapping to records (one place, no ad-hoc casts),
 * shared by both adapters (PostgreSQL returns booleans for `enabled`; see terminalFromRow).
 */
/** Column lists of the SELECTs and INSERTs, in the order of the row shapes below (both adapters). */
export const CARD_COLUMNS =
  'ehc_id, main_index_id, register_no, app_id, id_type, id_no, name, gender, birthday, cellphone, details, status, registered_ms, closed_ms, revoke_no';
export const USE_COLUMNS =
  'seq, record_id, ehc_id, code_kind, med_step_code, terminal_code, channel_code, use_time, org_code, app_id, received_ms';

export interface CardRow {
  ehc_id: string;
  main_index_id: string;
  register_no: string;
  app_id: string;
  id_type: string;
  id_no: string;
  name: string;
  gender: string;
  birthday: string;
  cellphone: string;
  details: string;
  status: 'active' | 'closed';
  registered_ms: number;
  closed_ms: number | null;
  revoke_no: string | null;
}

export interface UseRecordRow {
  seq: number;
  record_id: string;
  ehc_id: string;
  code_kind: CodeKind | null;
  med_step_code: string;
  terminal_code: string;
  channel_code: string;
  use_time: string;
  org_code: string | null;
  app_id: string;
  received_ms: number;
}

export interface TerminalRow {
  terminal_code: string;
  name: string;
  org_code: string;
  enabled: 0 | 1 | boolean;
}

export interface GeneratedRow {
  app_id: string;
  generate_no: string;
  ehc_id: string;
  ehealth_code: string;
  expire_time: string;
  generated_ms: number;
}

export function generatedFromRow(r: GeneratedRow): GeneratedCode {
  return {
    appId: r.app_id,
    generateNo: r.generate_no,
    ehcId: r.ehc_id,
    ehealthCode: r.ehealth_code,
    expireTime: r.expire_time,
    generatedMs: r.generated_ms,
  };
}

function parseDetails(text: string): CardDetails {
  const v: unknown = JSON.parse(text);
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  }
  return out;
}

export function cardFromRow(r: CardRow): CardRecord {
  return {
    ehcId: r.ehc_id,
    mainIndexId: r.main_index_id,
    registerNo: r.register_no,
    appId: r.app_id,
    idType: r.id_type,
    idNo: r.id_no,
    name: r.name,
    gender: r.gender,
    birthday: r.birthday,
    cellphone: r.cellphone,
    details: parseDetails(r.details),
    status: r.status,
    registeredMs: r.registered_ms,
    ...(r.closed_ms === null ? {} : { closedMs: r.closed_ms }),
    ...(r.revoke_no === null ? {} : { revokeNo: r.revoke_no }),
  };
}

export function cardToRow(c: CardRecord): CardRow {
  return {
    ehc_id: c.ehcId,
    main_index_id: c.mainIndexId,
    register_no: c.registerNo,
    app_id: c.appId,
    id_type: c.idType,
    id_no: c.idNo,
    name: c.name,
    gender: c.gender,
    birthday: c.birthday,
    cellphone: c.cellphone,
    details: JSON.stringify(c.details),
    status: c.status,
    registered_ms: c.registeredMs,
    closed_ms: c.closedMs ?? null,
    revoke_no: c.revokeNo ?? null,
  };
}

export function useRecordFromRow(r: UseRecordRow): StoredUseRecord {
  return {
    seq: r.seq,
    recordId: r.record_id,
    ehcId: r.ehc_id,
    ...(r.code_kind === null ? {} : { codeKind: r.code_kind }),
    medStepCode: r.med_step_code,
    terminalCode: r.terminal_code,
    channelCode: r.channel_code,
    useTime: r.use_time,
    ...(r.org_code === null ? {} : { orgCode: r.org_code }),
    appId: r.app_id,
    receivedMs: r.received_ms,
  };
}

export function terminalFromRow(r: TerminalRow): TerminalRecord {
  return {
    terminalCode: r.terminal_code,
    name: r.name,
    orgCode: r.org_code,
    enabled: r.enabled === 1 || r.enabled === true,
  };
}
