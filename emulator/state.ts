import type { AccessTokenInfo, CreateClientOptions, RefreshTokenInfo, RotationSettings } from './control-types';
import { randomClientSecret, randomId, randomKey19 } from './ids';
import type { JwtSigner } from './jwt';
import { Tenant } from './tenant';

/** Codes last 10 minutes: a real GoTo code has `exp` = `iat` + 600 (docs/goto-facts.md §1). */
export const CODE_TTL_SECONDS = 600;
/** "Access tokens have a lifespan of 60 minutes" (docs/goto-facts.md §3a). */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** "The refresh token is valid for 30 days" (docs/goto-facts.md §3c). */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

export const DEFAULT_REDIRECT_URI = 'https://app.example.com/callback';
export const DEFAULT_SCOPE = 'collab: identity:scim.me';
/**
 * For `near-end` renewal. GoTo says only that refresh tokens "are renewed at the end of"
 * their 30 days (how-use-refresh-tokens, 2020); how near the end is not documented. Seven
 * days is our guess, wide enough that a daily or weekly job meets the renewal before expiry.
 */
export const DEFAULT_ROTATION_WINDOW_SECONDS = 7 * 86_400;
export const USER_PASSWORD = 'emulator';

/**
 * The strictest reading of GoTo's pages (emulator/control-types.ts): a new refresh token at
 * every refresh, earlier access tokens revoked by each refresh, and a rotated-out refresh
 * token sent again revokes the grant (RFC 9700 §4.14.2). A collection that passes here
 * passes under the milder readings too (tests/self-test/rotation-policies.spec.ts).
 */
export const DEFAULT_ROTATION_SETTINGS: RotationSettings = {
  rotation: 'every-refresh',
  rotationWindowSeconds: DEFAULT_ROTATION_WINDOW_SECONDS,
  rotationGraceSeconds: 0,
  revokePreviousAccessTokens: true,
  reuseDetection: true,
};

/** The rotation settings a client was created with, leaving out those it did not name. */
function definedRotation(options: Partial<RotationSettings>): Partial<RotationSettings> {
  const keys = Object.keys(DEFAULT_ROTATION_SETTINGS) as Array<keyof RotationSettings>;
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

export type CodeGrant = {
  clientId: string;
  userKey: string;
  scope: string;
  redirectUri: string;
  /** RFC 6749 §4.1.3: only a redirect_uri sent to /authorize must be repeated at /token. */
  redirectUriSent: boolean;
  codeChallenge?: string;
  expiresAtMs: number;
  used: boolean;
};

/**
 * What the emulator knows of any token it issued. Every token from one authorization (one
 * code exchange and the refreshes after it) shares a `family`, so that the whole grant can
 * be revoked at once (RFC 9700 §4.14.2).
 */
type IssuedToken = {
  clientId: string;
  userKey: string;
  scope: string;
  family: string;
  issuedAtMs: number;
  expiresAtMs: number;
};

export type AccessTokenGrant = IssuedToken & { revoked: boolean };

export type RefreshTokenGrant = IssuedToken & {
  token: string;
  retired?: 'rotated' | 'revoked';
  /** For a rotated-out token: the one that replaced it. */
  successor?: string;
  /** For a rotated-out token, when the client's grace period was on: until when it still works. */
  graceEndsAtMs?: number;
};

export class DuplicateClientError extends Error {
  readonly code = 'EMULATOR_DUPLICATE_CLIENT';
}

/**
 * The emulator's memory: registered clients and every code and token it issued, keyed by
 * the exact string handed out. A presented code or token counts only if it is found here;
 * its JWT claims are never read back.
 */
export class EmulatorState {
  readonly issuer: string;
  private readonly signer: JwtSigner;
  private readonly tenants = new Map<string, Tenant>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly accessTokens = new Map<string, AccessTokenGrant>();
  private readonly refreshTokens = new Map<string, RefreshTokenGrant>();
  private usersCreated = 0;

  constructor(signer: JwtSigner, issuer: string) {
    this.signer = signer;
    this.issuer = issuer;
  }

  jwks() {
    return this.signer.jwks();
  }

  createTenant(options: CreateClientOptions): Tenant {
    const clientId = options.clientId ?? randomId();
    if (this.tenants.has(clientId))
      throw new DuplicateClientError('a client with this client id is already registered');
    const n = ++this.usersCreated;
    const tenant = new Tenant(
      {
        clientId,
        clientSecret: options.clientSecret ?? randomClientSecret(),
        redirectUris: options.redirectUris ?? [DEFAULT_REDIRECT_URI],
        scope: options.scope ?? DEFAULT_SCOPE,
        user: {
          email: `organizer+${n}@example.com`,
          password: USER_PASSWORD,
          organizerKey: randomKey19(),
          accountKey: randomKey19(),
        },
      },
      {
        ...DEFAULT_ROTATION_SETTINGS,
        ...definedRotation(options),
        basicDecoding: options.basicDecoding ?? 'form-urlencoded',
        keyFormat: options.keyFormat ?? 'string',
        ...(options.insufficientScope ? { insufficientScope: options.insufficientScope } : {}),
        accountAnswers: options.accountAnswers ?? {},
        ...(options.registrationForm ? { registrationForm: options.registrationForm } : {}),
      },
    );
    this.tenants.set(clientId, tenant);
    return tenant;
  }

  tenant(clientId: string): Tenant | undefined {
    return this.tenants.get(clientId);
  }

  /** The client a code or token was issued to, valid or not: for attributing requests. */
  ownerOf(token: string): Tenant | undefined {
    const grant = this.accessTokens.get(token) ?? this.refreshTokens.get(token) ?? this.codes.get(token);
    return grant ? this.tenants.get(grant.clientId) : undefined;
  }

  issueCode(
    tenant: Tenant,
    grant: Pick<CodeGrant, 'scope' | 'redirectUri' | 'redirectUriSent' | 'codeChallenge'>,
  ): string {
    const iat = Math.floor(tenant.now() / 1000);
    const exp = iat + CODE_TTL_SECONDS;
    // The claims of a real GoTo code (docs/goto-facts.md §1). `ogn` (origin of the login), `ls`
    // (login session) and `levelOfAssurance` values are guesses: GoTo documents none.
    const code = this.signer.sign({
      sc: grant.scope,
      sub: tenant.client.user.organizerKey,
      aud: tenant.client.clientId,
      ogn: 'pwd',
      ls: randomId(),
      typ: 'c',
      levelOfAssurance: 1,
      iat,
      exp,
      uri: grant.redirectUri,
      jti: randomId(),
    });
    this.codes.set(code, {
      ...grant,
      clientId: tenant.client.clientId,
      userKey: tenant.client.user.organizerKey,
      expiresAtMs: exp * 1000,
      used: false,
    });
    return code;
  }

  code(code: string): CodeGrant | undefined {
    return this.codes.get(code);
  }

  /** A new grant family: one per code exchange. */
  newFamily(): string {
    return randomId();
  }

  issueAccessToken(tenant: Tenant, scope: string, family: string): string {
    const { token, issued } = this.mint(tenant, scope, family, 'a', ACCESS_TOKEN_TTL_SECONDS);
    this.accessTokens.set(token, { ...issued, revoked: false });
    return token;
  }

  accessToken(token: string): AccessTokenGrant | undefined {
    return this.accessTokens.get(token);
  }

  issueRefreshToken(tenant: Tenant, scope: string, family: string): string {
    const { token, issued } = this.mint(tenant, scope, family, 'r', REFRESH_TOKEN_TTL_SECONDS);
    this.refreshTokens.set(token, { ...issued, token });
    return token;
  }

  /**
   * Replaces a live refresh token with a new one of the same grant (RFC 6749 §6: the server
   * "MAY revoke the old refresh token after issuing a new refresh token"). With the client's
   * grace period on, the old one keeps working that long (`graceSuccessor`).
   */
  rotateRefreshToken(tenant: Tenant, grant: RefreshTokenGrant): string {
    const successor = this.issueRefreshToken(tenant, grant.scope, grant.family);
    const graceSeconds = tenant.settings.rotationGraceSeconds;
    grant.retired = 'rotated';
    grant.successor = successor;
    if (graceSeconds > 0) grant.graceEndsAtMs = tenant.now() + graceSeconds * 1000;
    return successor;
  }

  /**
   * The live refresh token that replaced `grant`, when `grant` is still in its grace period:
   * only the token just before the live one counts, never an older one (as
   * https://github.com/django-oauth/django-oauth-toolkit/issues/1617 asks of a grace period).
   */
  graceSuccessor(grant: RefreshTokenGrant, now: number): RefreshTokenGrant | undefined {
    if (grant.retired !== 'rotated' || grant.graceEndsAtMs === undefined || now >= grant.graceEndsAtMs)
      return undefined;
    const successor = grant.successor === undefined ? undefined : this.refreshTokens.get(grant.successor);
    return successor && isLive(successor, now) ? successor : undefined;
  }

  /** Whether the token endpoint takes this refresh token now: live, or in its grace period. */
  acceptsRefreshToken(grant: RefreshTokenGrant, now: number): boolean {
    return isLive(grant, now) || this.graceSuccessor(grant, now) !== undefined;
  }

  /** Revokes the grant's access tokens that are still valid; says how many there were. */
  revokeFamilyAccessTokens(family: string): number {
    let revoked = 0;
    for (const grant of this.accessTokens.values()) {
      if (grant.family !== family || grant.revoked) continue;
      grant.revoked = true;
      revoked += 1;
    }
    return revoked;
  }

  /**
   * Revokes every token of a grant family, as RFC 9700 §4.14.2 asks of a server that sees a
   * rotated-out refresh token again: it cannot tell the legitimate client from an attacker,
   * so the whole grant goes. Says how many tokens were still live.
   */
  revokeFamily(family: string): number {
    let revoked = 0;
    for (const grant of this.refreshTokens.values()) {
      if (grant.family !== family || grant.retired === 'revoked') continue;
      if (grant.retired === undefined) revoked += 1;
      grant.retired = 'revoked';
    }
    return revoked + this.revokeFamilyAccessTokens(family);
  }

  /**
   * Revokes a client's access tokens still in use, as GoTo may at any moment (a person
   * removes the app's access, an administrator resets the grant): `token` alone, or every
   * one. Their refresh tokens are left alone. Says how many were still live.
   */
  revokeAccessTokens(tenant: Tenant, token?: string): number {
    let revoked = 0;
    const now = tenant.now();
    for (const [issued, grant] of this.accessTokens) {
      if (grant.clientId !== tenant.client.clientId || (token !== undefined && issued !== token)) continue;
      if (!grant.revoked && now < grant.expiresAtMs) revoked += 1;
      grant.revoked = true;
    }
    return revoked;
  }

  refreshToken(token: string): RefreshTokenGrant | undefined {
    return this.refreshTokens.get(token);
  }

  /** The refresh tokens issued to a client, oldest first, as the control API shows them. */
  refreshTokensOf(tenant: Tenant): RefreshTokenInfo[] {
    const now = tenant.now();
    return [...this.refreshTokens.values()]
      .filter((grant) => grant.clientId === tenant.client.clientId)
      .map((grant) => ({
        token: grant.token,
        active: this.acceptsRefreshToken(grant, now),
        current: isLive(grant, now),
        issuedAt: new Date(grant.issuedAtMs).toISOString(),
        expiresAt: new Date(grant.expiresAtMs).toISOString(),
        ...(this.graceSuccessor(grant, now) && grant.graceEndsAtMs !== undefined
          ? { graceEndsAt: new Date(grant.graceEndsAtMs).toISOString() }
          : {}),
      }));
  }

  /** The access tokens issued to a client, oldest first, as the control API shows them. */
  accessTokensOf(tenant: Tenant): AccessTokenInfo[] {
    const now = tenant.now();
    return [...this.accessTokens.entries()]
      .filter(([, grant]) => grant.clientId === tenant.client.clientId)
      .map(([token, grant]) => ({
        token,
        scope: grant.scope,
        active: !grant.revoked && now < grant.expiresAtMs,
        issuedAt: new Date(grant.issuedAtMs).toISOString(),
        expiresAt: new Date(grant.expiresAtMs).toISOString(),
      }));
  }

  /** A signed token and what the emulator keeps of it. */
  private mint(
    tenant: Tenant,
    scope: string,
    family: string,
    typ: 'a' | 'r',
    ttlSeconds: number,
  ): { token: string; issued: IssuedToken } {
    const iat = Math.floor(tenant.now() / 1000);
    const exp = iat + ttlSeconds;
    const token = this.signer.sign({
      iss: this.issuer,
      sub: tenant.client.user.organizerKey,
      aud: tenant.client.clientId,
      sc: scope,
      principal: tenant.client.user.email,
      typ,
      iat,
      exp,
      jti: randomId(),
    });
    const issued = {
      clientId: tenant.client.clientId,
      userKey: tenant.client.user.organizerKey,
      scope,
      family,
      issuedAtMs: iat * 1000,
      expiresAtMs: exp * 1000,
    };
    return { token, issued };
  }
}

/** Not rotated out, not revoked, not expired: the grant's current refresh token. */
function isLive(grant: RefreshTokenGrant, now: number): boolean {
  return grant.retired === undefined && now < grant.expiresAtMs;
}
