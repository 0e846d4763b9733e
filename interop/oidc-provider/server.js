// A real OAuth 2.1 authorization server for the interop tests: the OpenID-certified `oidc-provider`
// (pinned in package-lock.json), configured like a production server that MCP clients meet:
//   - 30 s access tokens (JWT, ES256, `aud` = the RFC 8707 resource), refresh tokens rotated on every use,
//     and a reused refresh token revokes the whole grant (invalid_grant);
//   - the client credentials grant (RFC 6749 section 4.4) for clients registered with it, authenticated by
//     client_secret_basic or private_key_jwt (RFC 7523);
//   - dynamic client registration (RFC 7591), PKCE S256 required, `iss` in the authorization response (RFC 9207);
//   - resources (RFC 8707): any http loopback URL is a resource server, with scope `mcp:tools`;
//   - form login and consent pages (devInteractions: any login and password are accepted);
//   - DPoP (RFC 9449) for clients that send proofs, with nonces required (use_dpop_nonce + DPoP-Nonce).
//
// Usage: node server.js --modules <dir holding node_modules/oidc-provider> [--port N]
// Listens on 127.0.0.1 (port 0 by default) and prints one line `{"listening":"http://127.0.0.1:<port>"}` on stdout.
//
// Admin endpoints (not OAuth; for the tests to count effects from the server's side):
//   GET  /admin/stats          {"grants":{"<grant_type>":{"success":n,"error":n}},"errors":{"<code>":n},
//                               "revokedGrants":n,"registrations":n,
//                               "events":[{"at":ms,"event":"grant.success|grant.error|grant.revoked|
//                                          registration_create.success|server_error","clientId":..,
//                                          "grantType":..,"error":..,"dpop":bool}, {"event":"access_token.issued",
//                                          "clientId":..,"jkt":..}]}   (the last 10,000 events; dpop: the token
//                                          request carried a DPoP proof; jkt: the key a DPoP token is bound to)
//   POST /admin/revoke-grants?client_id=X  revokes every grant of client X (its tokens and the grant itself), as an
//                              administrator ending a user's sessions would; answers {"revoked":n}
// The environment variable OIDC_ACCESS_TOKEN_SECONDS overrides the 30 s access token lifetime.
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
if (!args.modules) {
  console.error('usage: node server.js --modules <dir>/node_modules [--port N]');
  process.exit(2);
}
const { default: Provider, errors } = await import(
  pathToFileURL(path.join(args.modules, 'oidc-provider', 'lib', 'index.js')).href);

const ACCESS_TOKEN_SECONDS = Number(process.env.OIDC_ACCESS_TOKEN_SECONDS || 30);

function isLoopbackResource(resource) {
  try {
    const url = new URL(resource);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !url.hash;
  } catch {
    return false;
  }
}

async function signingKeys() {
  const exportJwk = async (pair, alg) => ({ ...pair.privateKey.export({ format: 'jwk' }), alg, use: 'sig',
    kid: crypto.randomUUID() });
  return [
    await exportJwk(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ES256'),
    await exportJwk(crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RS256'),
  ];
}

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(args.port || 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: await signingKeys() },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  responseTypes: ['code'],
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access'],
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: ACCESS_TOKEN_SECONDS, RefreshToken: 86400, AuthorizationCode: 60, Grant: 86400,
    Interaction: 600, Session: 86400 },
  clientBasedCORS: () => true,
  features: {
    // DPoP (RFC 9449) with server nonces: only requests that carry a DPoP proof are affected.
    dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    registration: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resource) => {
        if (!isLoopbackResource(resource)) throw new errors.InvalidTarget();
        return { audience: resource, scope: 'mcp:tools', accessTokenTTL: ACCESS_TOKEN_SECONDS,
          accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
});
provider.proxy = false;

// ---------------------------------------------------------------------------------------- counting ---
const stats = { grants: {}, errors: {}, revokedGrants: 0, registrations: 0, events: [] };
const grantIds = new Map(); // grantId -> clientId
const grantType = (ctx) => ctx?.oidc?.params?.grant_type || 'unknown';
const record = (event, ctx, extra) => {
  stats.events.push({ at: Date.now(), event, clientId: ctx?.oidc?.client?.clientId, ...extra });
  if (stats.events.length > 10000) stats.events.shift();
};
const bucket = (type) => (stats.grants[type] ??= { success: 0, error: 0 });

const dpop = (ctx) => Boolean(ctx?.headers?.dpop); // the token request carried a DPoP proof
provider.on('grant.success', (ctx) => {
  bucket(grantType(ctx)).success += 1;
  record('grant.success', ctx, { grantType: grantType(ctx), dpop: dpop(ctx) });
});
provider.on('grant.error', (ctx, error) => {
  bucket(grantType(ctx)).error += 1;
  stats.errors[error.error] = (stats.errors[error.error] || 0) + 1;
  record('grant.error', ctx, { grantType: grantType(ctx), error: error.error, description: error.error_description,
    dpop: dpop(ctx) });
});
provider.on('grant.revoked', (ctx, grantId) => {
  stats.revokedGrants += 1;
  record('grant.revoked', ctx, { route: ctx?.oidc?.route });
});
provider.on('registration_create.success', (ctx, client) => {
  stats.registrations += 1;
  record('registration_create.success', ctx, { clientId: client?.clientId });
});
provider.on('access_token.issued', (token) => {
  if (token.grantId) grantIds.set(token.grantId, token.clientId);
  record('access_token.issued', undefined, { clientId: token.clientId, jkt: token.jkt }); // jkt: DPoP-bound (RFC 9449)
});
provider.on('client_credentials.issued', (token) => {
  record('access_token.issued', undefined, { clientId: token.clientId, jkt: token.jkt });
});
provider.on('refresh_token.saved', (token) => { if (token.grantId) grantIds.set(token.grantId, token.clientId); });
provider.on('server_error', (ctx, error) => {
  console.error('server_error', error);
  record('server_error', ctx, { error: String(error?.message) });
});

async function revokeGrantsOf(clientId) {
  const ids = [...grantIds.entries()].filter(([, owner]) => owner === clientId);
  ids.forEach(([id]) => grantIds.delete(id));
  await Promise.all(ids.flatMap(([id]) => [
    provider.AccessToken.revokeByGrantId(id),
    provider.RefreshToken.revokeByGrantId(id),
    provider.AuthorizationCode.revokeByGrantId(id),
    provider.Grant.adapter.destroy(id),
  ]));
  stats.revokedGrants += ids.length;
  ids.forEach(([, clientId]) => record('grant.revoked', undefined, { clientId, route: 'admin' }));
  return ids.length;
}

// ------------------------------------------------------------------------------------------ server ---
const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url === '/admin/stats' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  const url = new URL(req.url, issuer);
  if (url.pathname === '/admin/revoke-grants' && req.method === 'POST' && url.searchParams.get('client_id')) {
    revokeGrantsOf(url.searchParams.get('client_id')).then((n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ revoked: n }));
    }, (e) => {
      res.writeHead(500);
      res.end(String(e));
    });
    return;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ listening: issuer })}\n`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop); // the parent went away
process.stdin.resume();
