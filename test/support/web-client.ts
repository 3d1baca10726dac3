import type { ParsedMail } from 'mailparser';
import { CookieJar, csrfToken, formBody } from './cookie-jar.ts';
import type { TestServer } from './server.ts';
import type { SmtpSink } from './smtp.ts';

/**
 * One person's browser for HTTP tests: their own cookies, same-origin form posts, and their own
 * client address (the server trusts X-Forwarded-For from loopback in these tests).
 */
export class WebClient {
  readonly jar = new CookieJar();

  constructor(
    private readonly server: TestServer,
    readonly ip: string,
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.jar.store(await this.server.request(path, { headers: { cookie: this.jar.header(), 'x-forwarded-for': this.ip, ...headers } }));
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.server.request(path, {
      method: 'POST',
      body: formBody(fields),
      headers: { cookie: this.jar.header(), 'x-forwarded-for': this.ip, origin: this.server.config.baseUrl, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    return this.jar.store(res);
  }

  /** The CSRF token of the form on a page (which also sets the token's secret cookie). */
  async tokenFrom(path: string): Promise<string> {
    return csrfToken(await (await this.get(path)).text());
  }

  /** Posts a form found on `page`, with that page's CSRF token. */
  async submit(page: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
    return this.post(action, { _csrf: await this.tokenFrom(page), ...fields });
  }

  async signIn(email: string, password: string): Promise<Response> {
    return this.submit('/admin/sign-in', '/admin/sign-in', { email, password });
  }
}

const linkIn = (mail: ParsedMail, part: string): string => {
  const link = ((mail.text ?? '').match(/https?:\/\/\S+/g) ?? []).find((l) => l.includes(part));
  if (!link) throw new Error(`no ${part} link in: ${mail.text}`);
  return link;
};

/** An organiser starts a petition on the web and follows the emailed link: returns its slug. */
export async function startAndConfirmPetition(organiser: WebClient, smtp: SmtpSink, email: string, title: string): Promise<string> {
  const res = await organiser.post('/petitions/new', {
    kind: 'petition', target: 'Leeds City Council', title, body: `${title}, please.`, why: 'Because it matters to us.', organiserName: 'Org', organiserEmail: email,
  });
  if (res.status !== 303) throw new Error(`start petition: ${res.status} ${await res.text()}`);
  const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes(email) && (m.subject ?? '').includes(title));
  const confirmed = await organiser.post(new URL(linkIn(mail, '/auth/')).pathname, {});
  const location = confirmed.headers.get('location') ?? '';
  const slug = /^\/petitions\/([^/]+)\/manage/.exec(location)?.[1];
  if (!slug) throw new Error(`confirm petition: ${confirmed.status} ${location}`);
  return slug;
}
