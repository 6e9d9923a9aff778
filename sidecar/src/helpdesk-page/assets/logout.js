// Sign-out, second half: posts the form to Keycloak's end-session endpoint at once. A POST keeps the ID
// token (the logout hint) out of URLs, browser history and Referer headers; without script, a button.
document.getElementById('kc-logout').submit();
