export { macInput, pack, padNumeric, receivedMacInput, unpack, unpackPartial, type PartialMessage } from './codec.js';
export * from './encoders/index.js';
export { fixedField, variableField, type FieldSpec, type FieldType } from './field-spec.js';
export { Iso8583Error, Iso8583ErrorCode, type Iso8583Direction, type Iso8583ErrorDetail } from './iso8583.error.js';
export { lengthPrefix, type LengthPrefix } from './length-prefix.js';
export type { BitmapEncoding, Iso8583Message, Iso8583MessageInput, MessageSpec } from './message-spec.js';
export { iso87Fields, type Iso87Encodings } from './specs/iso87-fields.js';
export { ISO87A } from './specs/iso87a.spec.js';
export { ISO87B } from './specs/iso87b.spec.js';
