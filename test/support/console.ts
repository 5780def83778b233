import type { TestApp } from './test-app.js';

/** An operator's browser, reduced to what the console needs: the session cookie and the form token. */
export interface OperatorClient {
  readonly cookie: string;
  get(path: string): Promise<Response>;
  /** A form post from the console's own pages (origin and CSRF token included unless overridden). */
  post(path: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  csrf(): Promise<string>;
}

export function consoleForm(t: TestApp, origin: string) {
  return (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...headers },
      body: new URLSearchParams(form),
    });
}

export async function signInOperator(t: TestApp, origin: string, username: string, password: string): Promise<OperatorClient> {
  const post = consoleForm(t, origin);
  const res = await post('/console/sign-in', { username, password });
  if (res.status !== 303) throw new Error(`sign-in of ${username} answered ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const get = (path: string) => fetch(`${t.baseUrl}${path}`, { redirect: 'manual', headers: { cookie } });
  const csrf = async () => {
    // The console's front page (or the role's first page it leads to) carries the sign-out form and its token.
    const html = await (await fetch(`${t.baseUrl}/console`, { headers: { cookie } })).text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('no form token on the console page');
    return token;
  };
  return {
    cookie,
    get,
    csrf,
    post: async (path, form = {}, headers = {}) => post(path, { csrf: await csrf(), ...form }, { cookie, ...headers }),
  };
}
