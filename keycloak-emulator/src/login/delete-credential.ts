/**
 * The `delete_credential` required action, which only an application starts
 * (`kc_action=delete_credential:<credentialId>`, the account console's "Delete"), as Keycloak's
 * DeleteCredentialAction: a confirmation page "Delete <label>" ("Confirm deletion" / "Decline"), then the
 * removal with REMOVE_CREDENTIAL — and, for an OTP device, the deprecated REMOVE_TOTP too. A credential id
 * the user does not have is skipped (the action's `ignore()`), as is a missing id. Re-authentication
 * (`max_auth_age`) happens before, in the cookie authenticator.
 */
import type { CredentialModel, UserModel } from '../state/model.js';
import { type LoginContext, loginActionsUrl } from './context.js';
import { html, page } from './page-layout.js';
import { errorPage } from './pages.js';

/** Credential types a user may remove (Keycloak's CredentialTypeMetadata `removeable`): not the password. */
const REMOVABLE_TYPES = new Set(['otp']);

const credentialOf = (ctx: LoginContext, user: UserModel): CredentialModel | undefined => {
  const id = ctx.authSession.notes.kcActionParameter;
  return id ? user.credentials.find((c) => c.id === id) : undefined;
};

const confirmationPage = (ctx: LoginContext, credential: CredentialModel) => {
  const label = credential.userLabel?.trim() ? credential.userLabel : credential.type;
  const action = loginActionsUrl(ctx.request.baseUrl, ctx.realm, 'required-action', ctx.authSession, {
    execution: 'delete_credential',
  });
  return page({
    ...ctx.frame,
    title: `Delete ${label}`,
    body: `<div id="kc-delete-text">Do you want to delete ${html(label)}?</div>
<form id="kc-delete-credential-form" action="${html(action)}" method="post">
<button type="submit" name="accept" id="kc-accept" value="true">Confirm deletion</button>
<button type="submit" name="cancel-aia" id="kc-decline" value="true">Decline</button>
</form>`,
  });
};

const removalDetails = (credential: CredentialModel) => ({
  credential_type: credential.type,
  credential_id: credential.id,
  ...(credential.userLabel ? { credential_user_label: credential.userLabel } : {}),
});

export const deleteCredential = {
  /** nothing to confirm: no id, or not one of the user's credentials */
  skip: (ctx: LoginContext, user: UserModel) => !credentialOf(ctx, user),
  render(ctx: LoginContext, user: UserModel) {
    const credential = credentialOf(ctx, user);
    return credential ? confirmationPage(ctx, credential) : '';
  },
  process(ctx: LoginContext, user: UserModel) {
    const credential = credentialOf(ctx, user);
    if (!credential) return { done: true as const };
    if (!REMOVABLE_TYPES.has(credential.type)) {
      const reason = 'Credential type cannot be removed';
      ctx.event('REMOVE_CREDENTIAL_ERROR', {
        error: 'delete_credential_failed',
        details: { ...removalDetails(credential), reason },
      });
      return {
        done: false as const,
        status: 400,
        html: errorPage({ ...ctx.frame, message: reason }),
      };
    }
    user.credentials = user.credentials.filter((c) => c !== credential);
    if (credential.type === 'otp') ctx.event('REMOVE_TOTP', { details: removalDetails(credential) });
    ctx.event('REMOVE_CREDENTIAL', { details: removalDetails(credential) });
    return { done: true as const };
  },
};
