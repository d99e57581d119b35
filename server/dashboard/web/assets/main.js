// main.js: starts the app — loads the session, renders the page named by the URL hash.
'use strict';
// A banner belongs to the page it was shown on, unless the page itself navigated (T.go after a
// write: "Save topic X: done" stays on the topic's page).
window.addEventListener('hashchange', () => {
  if (!T.keepBanner) T.banner('');
  T.keepBanner = false;
  T.render();
});
(async () => {
  try {
    await T.loadSession();
  } catch (e) {
    T.banner('Cannot reach the dashboard API: ' + e.message);
    return;
  }
  T.render();
})();
