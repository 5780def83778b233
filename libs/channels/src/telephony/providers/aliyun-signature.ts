import { createHmac } from 'node:crypto';

/*
 * Alibaba Cloud RPC request signing, Signature Version 1.0 (HMAC-SHA1), as documented in
 * "签名机制 / Signature mechanism": https://help.aliyun.com/document_detail/28839.html
 * (English: https://help.aliyun.com/en/document_detail/145075.html), with the SMS worked example
 * (SendSms, testId/testSecret → zJDF+Lrzhj/ThnlvIToysFRq6t4=) from the dysmsapi
 * "HTTP协议及签名" page: https://help.aliyun.com/document_detail/56189.html.
 *
 *   StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(CanonicalizedQueryString)
 *   Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", UTF-8(StringToSign)))
 */

/**
 * RFC 3986 encoding as Alibaba Cloud defines it: only A-Z a-z 0-9 - _ . ~ stay literal, space is %20
 * (never +), everything else is %XY of its UTF-8 bytes. encodeURIComponent also leaves ! ' ( ) * alone,
 * which the server would then sign differently.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name, each name and value encoded; `Signature` itself is never signed. */
export function aliyunCanonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name])}`)
    .join('&');
}

export function aliyunStringToSign(method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  return `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
}

/** The `Signature` parameter value (before it is itself percent-encoded into the request). */
export function aliyunSignature(method: 'GET' | 'POST', params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(aliyunStringToSign(method, params), 'utf8').digest('base64');
}
