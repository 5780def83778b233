import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aliyunPercentEncode, aliyunSignature, aliyunStringToSign } from '../../libs/channels/src/telephony/providers/aliyun-signature.js';
import { AliyunSmsProvider, aliyunPhoneNumber, aliyunTimestamp, type AliyunSmsOptions } from '../../libs/channels/src/telephony/providers/aliyun-sms.driver.js';
import { SmsSendError, type OutboundSms } from '../../libs/channels/src/telephony/providers/sms-provider.port.js';
import { FAKE_ALIYUN_CREDENTIALS, FakeAliyunSms, independentPercentEncode, independentSignature } from '../support/fake-aliyun-sms.js';

/** Published examples: https://help.aliyun.com/document_detail/56189.html (SMS) and document_detail/28839.html (RPC). */
const PUBLISHED_SEND_SMS = {
  secret: 'testSecret',
  params: {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  },
  stringToSign:
    'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou' +
    '%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8' +
    '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007' +
    '%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
  signature: 'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
};
const DESCRIBE_REGIONS = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Version: '2014-05-26',
};

const sms = (overrides: Partial<OutboundSms> = {}): OutboundSms => ({ id: 'msg-0001', to: '+8613800138000', body: '您的可用余额为1,234.56元。', validitySeconds: 300, ...overrides });

async function failure(promise: Promise<unknown>): Promise<SmsSendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SmsSendError)) throw new Error(`expected an SmsSendError, got ${String(error)}`);
  return error;
}

describe('Alibaba Cloud RPC signature (aliyun-signature.ts)', () => {
  it.each([
    ['unreserved', 'AZaz09-_.~', 'AZaz09-_.~'],
    ['space is %20, not +', 'a b', 'a%20b'],
    ['* is %2A', '*', '%2A'],
    ['+ is %2B', '+', '%2B'],
    ['~ stays literal (not %7E)', '~', '~'],
    ["! ' ( ) are encoded", "!'()", '%21%27%28%29'],
    ['reserved delimiters', '/?#[]@:&=,;$%', '%2F%3F%23%5B%5D%40%3A%26%3D%2C%3B%24%25'],
    ['JSON', '{"content":"x"}', '%7B%22content%22%3A%22x%22%7D'],
    ['UTF-8 bytes, uppercase hex', '余额', '%E4%BD%99%E9%A2%9D'],
    ['4-byte UTF-8', '💳', '%F0%9F%92%B3'],
  ])('percent-encodes %s', (_case, input, expected) => {
    expect(aliyunPercentEncode(input)).toBe(expected);
    expect(independentPercentEncode(input)).toBe(expected);
  });

  it('reproduces the published SendSms example (document_detail/56189): zJDF+Lrzhj/ThnlvIToysFRq6t4=', () => {
    expect(aliyunStringToSign('GET', PUBLISHED_SEND_SMS.params)).toBe(PUBLISHED_SEND_SMS.stringToSign);
    expect(aliyunSignature('GET', PUBLISHED_SEND_SMS.params, PUBLISHED_SEND_SMS.secret)).toBe(PUBLISHED_SEND_SMS.signature);
    expect(independentSignature('GET', PUBLISHED_SEND_SMS.params, PUBLISHED_SEND_SMS.secret).signature).toBe(PUBLISHED_SEND_SMS.signature);
  });

  it.each([
    // The current page's example signs "Timestamp"; its overview URL (CT9X0…) comes from the older "TimeStamp" spelling.
    ['Timestamp', 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='],
    ['TimeStamp', 'CT9X0VtwR86fNWSnsc6v8YGOjuE='],
  ])('reproduces the published DescribeRegions example signed with %s (document_detail/28839)', (timestampName, expected) => {
    const params = { ...DESCRIBE_REGIONS, [timestampName]: '2016-02-23T12:46:24Z' };
    expect(aliyunSignature('GET', params, 'testsecret')).toBe(expected);
  });

  it('signs POST requests with POST in the string-to-sign and never signs Signature itself', () => {
    const params = { ...PUBLISHED_SEND_SMS.params, Signature: 'ignored' };
    expect(aliyunStringToSign('POST', params)).toBe(PUBLISHED_SEND_SMS.stringToSign.replace(/^GET&/, 'POST&'));
    expect(aliyunSignature('POST', params, 's')).toBe(independentSignature('POST', params, 's').signature);
  });

  it('formats timestamps as ISO 8601 UTC to the second', () => {
    expect(aliyunTimestamp(new Date('2017-07-12T10:42:19.987+08:00'))).toBe('2017-07-12T02:42:19Z');
  });

  it.each([
    ['+8613800138000', '13800138000'],
    ['+85291234567', '85291234567'],
    ['+15555550100', '15555550100'],
  ])('maps E.164 %s to PhoneNumbers %s', (e164, expected) => {
    expect(aliyunPhoneNumber(e164)).toBe(expected);
  });

  it('refuses a recipient that is not E.164, permanently', () => {
    for (const to of ['13800138000', '+86 138 0013 8000', '+0123456789', '']) {
      expect(() => aliyunPhoneNumber(to)).toThrow(expect.objectContaining({ kind: 'permanent' }));
    }
  });
});

describe('AliyunSmsProvider against a loopback SendSms', () => {
  let fake: FakeAliyunSms;
  let url: string;
  const provider = (options: Partial<AliyunSmsOptions> = {}) =>
    new AliyunSmsProvider({ ...FAKE_ALIYUN_CREDENTIALS, signName: '萨尔多银行', templateCode: 'SMS_000001', endpoint: url, timeoutMs: 2_000, ...options });

  beforeEach(async () => {
    fake = new FakeAliyunSms();
    ({ url } = await fake.start());
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends a signed SendSms that the fake verifies, and returns the BizId', async () => {
    const accepted = await provider().send(sms());
    expect(accepted).toEqual({ providerMessageId: 'FAKE-00000001^0', status: 'accepted' });
    expect(fake.received).toHaveLength(1);
    const [received] = fake.received;
    expect(received).toMatchObject({ phone: '13800138000', templateCode: 'SMS_000001', signName: '萨尔多银行', content: '您的可用余额为1,234.56元。' });
    expect(received.params).toMatchObject({ Action: 'SendSms', Version: '2017-05-25', Format: 'JSON', RegionId: 'cn-hangzhou', OutId: 'msg-0001', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' });
    expect(received.params.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(JSON.parse(received.params.TemplateParam)).toEqual({ content: '您的可用余额为1,234.56元。' });
  });

  it('round-trips Chinese text and every character the encoding treats specially', async () => {
    const body = '余额：¥1,234.56 (可用) — 50% off *today* ~ a+b=c & "引号" 💳\n第二行';
    await provider().send(sms({ body }));
    expect(fake.received[0].content).toBe(body);
  });

  it('uses a fresh nonce per request, so a second send is not refused as a replay', async () => {
    const p = provider();
    await p.send(sms({ id: 'a' }));
    await p.send(sms({ id: 'b' }));
    expect(new Set(fake.received.map((r) => r.params.SignatureNonce)).size).toBe(2);
  });

  it('a wrong secret is refused with SignatureDoesNotMatch (HTTP 400): permanent, and nothing private in the error', async () => {
    const error = await failure(provider({ accessKeySecret: 'not-the-secret' }).send(sms({ body: 'secret balance 98765' })));
    expect(error).toMatchObject({ kind: 'permanent', providerCode: 'SignatureDoesNotMatch', httpStatus: 400 });
    expect(fake.received).toHaveLength(0);
    // The fake echoes the string-to-sign like the real gateway; none of it may reach our error.
    for (const leak of ['98765', '13800138000', 'not-the-secret', 'string to sign']) expect(error.message).not.toContain(leak);
  });

  it('the fake itself refuses a request changed after it was signed', async () => {
    let tampered = '';
    const tamperingFetch: typeof fetch = (input, init) => {
      tampered = (init?.body as string).replace('OutId=msg-0001', 'OutId=msg-9999');
      return fetch(input, { ...init, body: tampered });
    };
    const error = await failure(provider({ fetchImpl: tamperingFetch }).send(sms()));
    expect(tampered).toContain('OutId=msg-9999');
    expect(error).toMatchObject({ kind: 'permanent', providerCode: 'SignatureDoesNotMatch' });
  });

  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', 200],
    ['Throttling.User', 400],
    ['Throttling', 400],
    ['isp.SYSTEM_ERROR', 200],
    ['ServiceUnavailable', 503],
  ])('%s (HTTP %i) is retryable', async (code, status) => {
    fake.reply({ code, status });
    const error = await failure(provider().send(sms()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: code, httpStatus: status });
  });

  it('throttled first, accepted on the retry', async () => {
    fake.reply({ code: 'isv.BUSINESS_LIMIT_CONTROL' });
    const p = provider();
    expect(await failure(p.send(sms()))).toMatchObject({ kind: 'retryable' });
    await expect(p.send(sms())).resolves.toMatchObject({ status: 'accepted' });
    expect(fake.received).toHaveLength(2);
  });

  it('HTTP 500 with a non-JSON body is retryable', async () => {
    fake.reply({ status: 500, rawBody: '<html>502 Bad Gateway</html>' });
    expect(await failure(provider().send(sms()))).toMatchObject({ kind: 'retryable', httpStatus: 500, providerCode: undefined });
  });

  it('HTTP 429 is retryable', async () => {
    fake.reply({ status: 429, rawBody: '' });
    expect(await failure(provider().send(sms()))).toMatchObject({ kind: 'retryable', httpStatus: 429 });
  });

  it('a gateway slower than timeoutMs is a retryable timeout', async () => {
    fake.reply({ delayMs: 1_000 });
    const error = await failure(provider({ timeoutMs: 100 }).send(sms()));
    expect(error).toMatchObject({ kind: 'retryable', httpStatus: undefined });
    expect(error.message).toMatch(/timed out after 100 ms/);
  });

  it('a refused connection is a retryable network error', async () => {
    await fake.close();
    const error = await failure(provider().send(sms()));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/network error/);
    expect(error.cause).toBeDefined();
  });

  it('an illegal mobile number is refused by the API (isv.MOBILE_NUMBER_ILLEGAL): permanent', async () => {
    const error = await failure(provider().send(sms({ to: '+8612345' })));
    expect(fake.received[0].phone).toBe('12345');
    expect(error).toMatchObject({ kind: 'permanent', providerCode: 'isv.MOBILE_NUMBER_ILLEGAL', httpStatus: 200 });
  });

  it.each(['isv.DAY_LIMIT_CONTROL', 'isv.MONTH_LIMIT_CONTROL', 'isv.AMOUNT_NOT_ENOUGH', 'isv.SMS_TEMPLATE_ILLEGAL', 'isv.PARAM_LENGTH_LIMIT'])('%s needs a person: permanent', async (code) => {
    fake.reply({ code });
    expect(await failure(provider().send(sms()))).toMatchObject({ kind: 'permanent', providerCode: code });
  });

  it('an unknown AccessKeyId is permanent', async () => {
    expect(await failure(provider({ accessKeyId: 'LTAI-unknown' }).send(sms()))).toMatchObject({ kind: 'permanent', providerCode: 'InvalidAccessKeyId.NotFound' });
  });

  it('a clock far off is refused by the gateway (InvalidTimeStamp.Expired): permanent', async () => {
    const error = await failure(provider({ now: () => new Date(Date.now() - 60 * 60_000) }).send(sms()));
    expect(error).toMatchObject({ kind: 'permanent', providerCode: 'InvalidTimeStamp.Expired' });
  });
});
