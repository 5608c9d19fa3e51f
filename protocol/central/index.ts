export * from './crypto.js';
export * from './dialect.js';
export * from './envelope.js';
export * from './err-codes.js';
export * from './errors.js';
export * from './methods.js';
export * from './reply.js';
export * from './request.js';
export * from './samples.js';
export {
  check as checkBizSchema,
  DEFAULT_MAX_STRING as BIZ_DEFAULT_MAX_STRING,
  type FieldSpec as BizFieldSpec,
  type Infer as InferBiz,
  type IntegerSpec as BizIntegerSpec,
  type ListSpec as BizListSpec,
  type Schema as BizSchema,
  type StringListSpec as BizStringListSpec,
  type StringSpec as BizStringSpec,
} from './schema.js';
