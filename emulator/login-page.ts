/**
 * The HTML of the emulated GoTo sign-in and consent page. Plain, labelled form controls so
 * Playwright finds them the way a person does: `getByLabel('Email')`,
 * `getByLabel('Password')`, `getByRole('button', { name: 'Allow' })`.
 */

export type LoginPageInput = {
  /** The OAuth parameters to carry to the POST, as hidden fields. */
  hidden: Record<string, string>;
  clientId: string;
  scope: string;
  email?: string;
  error?: string;
};

export function renderLoginPage(input: LoginPageInput): string {
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `      <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const alert = input.error ? `    <p role="alert" class="error">${escapeHtml(input.error)}</p>\n` : '';
  return page(
    'Sign in',
    `    <h1>Sign in to GoTo</h1>
    <p>The application <code>${escapeHtml(input.clientId)}</code> asks for access to: <code>${escapeHtml(input.scope)}</code></p>
${alert}    <form method="post" action="/oauth/authorize" novalidate>
${hidden}
      <p><label for="email">Email</label><br>
      <input id="email" name="email" type="email" autocomplete="username" value="${escapeHtml(input.email ?? '')}"></p>
      <p><label for="password">Password</label><br>
      <input id="password" name="password" type="password" autocomplete="current-password"></p>
      <p><button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button></p>
    </form>`,
  );
}

/** RFC 6749 §4.1.2.1: a bad client_id or redirect_uri is told to the user, never redirected. */
export function renderErrorPage(message: string): string {
  return page('Invalid request', `    <h1>Invalid request</h1>\n    <p role="alert">${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)} · GoTo emulator</title>
  </head>
  <body>
  <main>
${body}
  </main>
  </body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
