/**
 * A browser-less user for the login pages: follows redirects, keeps cookies, fills and posts the page's
 * form. For journeys whose pages are covered in a real browser elsewhere and that only need the outcome,
 * and for the benchmark's staff sign-in.
 */
export interface LoginPage {
  url: string;
  status: number;
  html: string;
}

const decode = (value: string) =>
  value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');

export class LoginRobot {
  private readonly cookies = new Map<string, string>();
  page: LoginPage = { url: '', status: 0, html: '' };

  private async request(url: string, init: RequestInit = {}): Promise<LoginPage> {
    let current = url;
    let options = init;
    for (let hops = 0; hops < 20; hops++) {
      const headers = new Headers(options.headers);
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      const response = await fetch(current, { ...options, headers, redirect: 'manual' });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (name) this.cookies.set(name.trim(), value.join('='));
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        options = {};
        // The relying party's redirect: stop there, the caller wants the code.
        if (!current.includes('/realms/')) {
          this.page = { url: current, status: response.status, html: '' };
          return this.page;
        }
        continue;
      }
      this.page = { url: current, status: response.status, html: await response.text() };
      return this.page;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** a cookie the robot holds (it keeps one jar for every host, as the tests run on one address) */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  open(url: string): Promise<LoginPage> {
    return this.request(url);
  }

  /** The hidden inputs of the page's (first) form, which a browser posts along (e.g. `totpSecret`). */
  hiddenFields(): Record<string, string> {
    const form = /<form[\s\S]*?<\/form>/.exec(this.page.html)?.[0] ?? '';
    const fields: Record<string, string> = {};
    for (const [input] of form.matchAll(/<input[^>]*>/g)) {
      if (!/type="hidden"/.test(input)) continue;
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name) fields[name] = decode(/value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    return fields;
  }

  /** Posts the page's (first) form with its hidden fields and these fields, as a browser would. */
  submit(fields: Record<string, string>): Promise<LoginPage> {
    return this.post(this.formAction(), { ...this.hiddenFields(), ...fields });
  }

  /** Posts exactly these fields to a URL (e.g. a form post a browser would not send). */
  post(url: string, fields: Record<string, string>): Promise<LoginPage> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
  }

  /** Where the page's (first) form posts. */
  formAction(): string {
    const action = /<form[^>]*action="([^"]+)"/.exec(this.page.html)?.[1];
    if (!action) throw new Error(`no form on ${this.page.url}`);
    return new URL(decode(action), this.page.url).toString();
  }

  /**
   * Follows the link with this text (a regular expression source). Keycloak's messages put marks such as
   * `&raquo;` before some link texts ("&raquo; Click here to proceed"); those, and spaces, may come first.
   */
  follow(text: string): Promise<LoginPage> {
    const match = new RegExp(`href="([^"]+)"[^>]*>(?:\\s|&[a-z]+;|[«»])*${text}\\s*<`).exec(this.page.html);
    if (!match?.[1]) throw new Error(`no link "${text}" on ${this.page.url}`);
    return this.request(new URL(decode(match[1]), this.page.url).toString());
  }

  /**
   * The text of the element with this id, inner tags and runs of white space dropped: Keycloak's theme
   * wraps a field's error in a span inside `div#input-error-<field>` and spreads texts over lines.
   */
  textOf(id: string): string | undefined {
    const match = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(this.page.html);
    if (match?.[2] === undefined) return undefined;
    return decode(match[2].replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
  }
}
