// The relying party: oidc-client-ts's UserManager with Keycard as the authority (discovery, code + PKCE, the ID
// token's checks, userinfo, RP-initiated logout). `window.oidc` is the library's browser build.
const settings = window.appSettings;

export const userManager = new window.oidc.UserManager({
  authority: settings.authority,
  client_id: settings.clientId,
  redirect_uri: `${location.origin}/callback.html`,
  post_logout_redirect_uri: `${location.origin}/signed-out.html`,
  response_type: 'code',
  scope: 'openid profile email',
  loadUserInfo: true,
  automaticSilentRenew: false,
});

export function show(id, text) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.hidden = false;
}

export function fail(error) {
  show('error', `${error?.name ?? 'Error'}: ${error?.message ?? error}`);
}
