import { type BizReply, type BizRequest, CENTRAL_METHODS, type CentralMethod } from './methods.js';

/**
 * One valid request and success-reply biz object per method: realistic values (the real QR
 * samples, spec-style codes) for tests here, in clients/ and for the reference server's tests.
 */
export const SAMPLE_BIZ: { readonly [M in CentralMethod]: { request: BizRequest<M>; reply: BizReply<M> } } = {
  [CENTRAL_METHODS.register]: {
    request: {
      register_no: 'R20190828114159001',
      register_time: '20190828114159',
      apply_type: '01',
      id_type: '01',
      id_no: '11010020171225006X',
      name: '张三',
      gender: '1',
      nation: '01',
      nationality: 'CHN',
      birthday: '2017-12-25',
      cellphone: '13800000000',
      rzfs: '05',
    },
    reply: {
      ehealth_card_id: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
      ehealth_code: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928:1',
    },
  },
  [CENTRAL_METHODS.generate]: {
    request: {
      ehealth_card_id: '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33',
      ewmbs: '0',
      generate_no: 'G0001',
      generate_time: '20260101080000',
    },
    reply: {
      ehealth_code:
        '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33:0:07EDF114B1651BA63D112011E74C1EC3',
      expire_time: '20260101080100',
    },
  },
  [CENTRAL_METHODS.verify]: {
    request: {
      ehealth_code:
        '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33:0:07EDF114B1651BA63D112011E74C1EC3',
      medstepcode: '010101',
      terminalcode: 'ceshi1001',
      channelcode: '01',
    },
    reply: {
      ehealth_card_id: '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33',
      code_kind: '0',
      id_type: '01',
      id_no: '1101**********006X',
      name: '张*',
      surplus_num: 0,
    },
  },
  [CENTRAL_METHODS.query]: {
    request: {
      ehealth_card_id: 'FAAD3E79D27904BCDF4A978C3874C8838380CF3384BFE9782B104D5072AEFA5F',
      rzfs: '05',
    },
    reply: {
      ehealth_card_id: 'FAAD3E79D27904BCDF4A978C3874C8838380CF3384BFE9782B104D5072AEFA5F',
      card_attr: '2',
      card_status: '1',
      ehealth_code: 'FAAD3E79D27904BCDF4A978C3874C8838380CF3384BFE9782B104D5072AEFA5F:1::5100A0013',
    },
  },
  [CENTRAL_METHODS.close]: {
    request: {
      ehealth_card_id: '01513030199412148012',
      revoke_no: 'C0001',
      revoke_time: '20260101090000',
    },
    reply: { ehealth_card_id: '01513030199412148012' },
  },
  [CENTRAL_METHODS.usecarddate]: {
    request: {
      records: [
        {
          record_id: 'T1-000001',
          ehealth_card_id: '6836D27C966E1C1BB192F050778358E4AA0208EFBA111FC5CB90AD689124A19B',
          code_kind: '1',
          medstepcode: '010101',
          channelcode: '02',
          terminalcode: 'ceshi1001',
          use_time: '20260101080005',
          org_code: '5100A0013',
        },
        {
          record_id: 'T1-000002',
          ehealth_card_id: '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33',
          medstepcode: '010105',
          channelcode: '01',
          terminalcode: 'ceshi1001',
          use_time: '20260101081000',
        },
      ],
    },
    reply: { accepted: ['T1-000001'], rejected: [{ record_id: 'T1-000002', err_code: 'CARD_NOT_FOUND' }] },
  },
};
