import { err, type Result } from '../result.js';
import { check, type Infer, type Schema } from './schema.js';

/**
 * The central service's methods (provincial 卡管 style, research/ehc-domain.md §2.5) and their
 * biz_content. Request field names are the ones seen on real platforms; reply fields are our
 * contract with the reference server (sim/central), in the same snake_case (real platforms
 * return camelCase card records such as `ehealthCardId`, `surplusNum`: map them in a dialect
 * adapter if one is ever needed).
 */
export const CENTRAL_METHODS = {
  register: 'ehc.ehealthcard.register',
  generate: 'ehc.ehealthcode.generate',
  verify: 'ehc.ehealthcode.verify',
  query: 'ehc.ehealthcode.query',
  close: 'ehc.ehealthcard.close',
  usecarddate: 'ehc.ehealthcode.usecarddate',
} as const;
export type CentralMethodKey = keyof typeof CENTRAL_METHODS;
export type CentralMethod = (typeof CENTRAL_METHODS)[CentralMethodKey];

/** yyyyMMddHHmmss, Beijing time. */
const TIME14 = /^\d{14}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** 诊疗环节: 010101 registration … 010107 surgery, 000000 other. */
const MEDSTEP = /^\d{6}$/;
/** 刷卡终端类型: 01 window, 02 kiosk, 99 other. */
const CHANNEL = /^\d{2}$/;
/** An EHC-ID (hex) or, on some platforms, the plaintext id type + number. */
const CARD_ID = /^[0-9A-Za-z]{1,128}$/;
const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;
const KIND_DIGIT = /^[019]$/;
const str = { t: 'string' } as const;
const opt = { t: 'string', optional: true } as const;

const registerRequest = {
  /** External registration serial number (外部注册流水号). */
  register_no: { t: 'string', pattern: SERIAL },
  register_time: { t: 'string', pattern: TIME14 },
  /** 申请方式. */
  apply_type: opt,
  /** 证件类型, "01" = resident ID card. */
  id_type: { t: 'string', max: 4 },
  id_no: { t: 'string', max: 32 },
  name: { t: 'string', max: 50 },
  /** 1 male, 2 female. */
  gender: { t: 'string', optional: true, pattern: /^[129]$/ },
  nation: opt,
  nationality: opt,
  domicile: opt,
  birthday: { t: 'string', optional: true, pattern: DATE },
  cellphone: opt,
  telephone: opt,
  address: opt,
  workcode: opt,
  maritalstatus: opt,
  /** 认证模式 (authentication mode). */
  rzfs: opt,
  /** 认证资料 (authentication attachment), possibly a Base64 image. */
  file1: { t: 'string', optional: true, max: 512 * 1024 },
} as const satisfies Schema;

const registerReply = {
  ehealth_card_id: str,
  /** The static QR text, when the platform issues one at registration. */
  ehealth_code: { t: 'string', optional: true, max: 512 },
} as const satisfies Schema;

const generateRequest = {
  ehealth_card_id: { t: 'string', pattern: CARD_ID },
  /** 二维码标识: "0" dynamic, "1" static (the QR text's type digits). */
  ewmbs: { t: 'string', pattern: /^[01]$/ },
  /** 金融支付数据 (payment data), optional. */
  token: opt,
  generate_no: { t: 'string', pattern: SERIAL },
  generate_time: { t: 'string', pattern: TIME14 },
} as const satisfies Schema;

const generateReply = {
  ehealth_code: { t: 'string', max: 512 },
  /** End of a dynamic code's lifetime, yyyyMMddHHmmss. */
  expire_time: { t: 'string', optional: true, pattern: TIME14 },
} as const satisfies Schema;

const verifyRequest = {
  /** The whole QR text as scanned (scanner additions removed). */
  ehealth_code: { t: 'string', max: 512 },
  medstepcode: { t: 'string', pattern: MEDSTEP },
  /** The scanner's terminal id registered with the platform (扫码枪终端标识号). */
  terminalcode: { t: 'string', max: 64 },
  channelcode: { t: 'string', pattern: CHANNEL },
} as const satisfies Schema;

const verifyReply = {
  ehealth_card_id: str,
  /** The verified code's type digit: 0 dynamic, 1 static, 9 temporary. */
  code_kind: { t: 'string', pattern: KIND_DIGIT },
  id_type: opt,
  /** Masked by the platform (e.g. 1101**********006X). */
  id_no: opt,
  name: opt,
  /** Successful verifications left on a dynamic code (surplusNum). */
  surplus_num: { t: 'integer', optional: true, min: 0 },
} as const satisfies Schema;

const queryRequest = {
  ehealth_card_id: { t: 'string', optional: true, pattern: CARD_ID },
  id_type: opt,
  id_no: opt,
  rzfs: opt,
  file1: { t: 'string', optional: true, max: 512 * 1024 },
} as const satisfies Schema;

const queryReply = {
  ehealth_card_id: str,
  id_type: opt,
  id_no: opt,
  name: opt,
  /** 1 temporary card (电子就诊卡), 2 formal card. */
  card_attr: { t: 'string', optional: true, pattern: /^[12]$/ },
  /** 1 normal, 2 suspended. */
  card_status: { t: 'string', optional: true, pattern: /^[12]$/ },
  /** The static QR text. */
  ehealth_code: { t: 'string', optional: true, max: 512 },
} as const satisfies Schema;

const closeRequest = {
  ehealth_card_id: { t: 'string', pattern: CARD_ID },
  revoke_no: { t: 'string', pattern: SERIAL },
  revoke_time: { t: 'string', pattern: TIME14 },
} as const satisfies Schema;

const closeReply = { ehealth_card_id: str } as const satisfies Schema;

/** One card use, reported to the monitoring platform (store-and-forward; idempotent by record_id). */
const useCardRecord = {
  /** Unique per terminal; the platform ignores a record_id it has already stored. */
  record_id: { t: 'string', pattern: SERIAL },
  ehealth_card_id: { t: 'string', pattern: CARD_ID },
  code_kind: { t: 'string', optional: true, pattern: KIND_DIGIT },
  medstepcode: { t: 'string', pattern: MEDSTEP },
  channelcode: { t: 'string', pattern: CHANNEL },
  terminalcode: { t: 'string', max: 64 },
  use_time: { t: 'string', pattern: TIME14 },
  org_code: { t: 'string', optional: true, max: 32 },
} as const satisfies Schema;

export const MAX_USE_CARD_RECORDS = 100;

const useCardRequest = {
  records: { t: 'list', of: useCardRecord, minItems: 1, maxItems: MAX_USE_CARD_RECORDS },
} as const satisfies Schema;

const useCardReply = {
  /** Stored now or already stored earlier (duplicates count as accepted). */
  accepted: { t: 'strings', maxItems: MAX_USE_CARD_RECORDS },
  rejected: {
    t: 'list',
    of: { record_id: str, err_code: str },
    maxItems: MAX_USE_CARD_RECORDS,
  },
} as const satisfies Schema;

export const METHOD_SCHEMAS = {
  'ehc.ehealthcard.register': { request: registerRequest, reply: registerReply },
  'ehc.ehealthcode.generate': { request: generateRequest, reply: generateReply },
  'ehc.ehealthcode.verify': { request: verifyRequest, reply: verifyReply },
  'ehc.ehealthcode.query': { request: queryRequest, reply: queryReply },
  'ehc.ehealthcard.close': { request: closeRequest, reply: closeReply },
  'ehc.ehealthcode.usecarddate': { request: useCardRequest, reply: useCardReply },
} as const satisfies Record<CentralMethod, { request: Schema; reply: Schema }>;

export type BizRequest<M extends CentralMethod> = Infer<(typeof METHOD_SCHEMAS)[M]['request']>;
export type BizReply<M extends CentralMethod> = Infer<(typeof METHOD_SCHEMAS)[M]['reply']>;
export type UseCardRecord = Infer<typeof useCardRecord>;

export function isCentralMethod(x: unknown): x is CentralMethod {
  return typeof x === 'string' && Object.hasOwn(METHOD_SCHEMAS, x);
}

/** Validates a request biz object for its method; a fresh object with known fields only. */
export function checkBizRequest<M extends CentralMethod>(
  method: M,
  value: unknown,
): Result<BizRequest<M>, string> {
  const r = check(METHOD_SCHEMAS[method].request, value) as Result<BizRequest<M>, string>;
  if (r.ok && method === CENTRAL_METHODS.query) {
    const q = r.value as BizRequest<'ehc.ehealthcode.query'>;
    if (q.ehealth_card_id === undefined && (q.id_type === undefined || q.id_no === undefined)) {
      return err('query needs ehealth_card_id, or id_type and id_no');
    }
  }
  return r;
}

export function checkBizReply<M extends CentralMethod>(
  method: M,
  value: unknown,
): Result<BizReply<M>, string> {
  return check(METHOD_SCHEMAS[method].reply, value) as Result<BizReply<M>, string>;
}
