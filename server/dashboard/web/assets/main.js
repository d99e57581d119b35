// main.js: starts the app — loads the session, renders the page named by the URL hash.
'use strict';
window.addEventListener('hashchange', () => T.render());
(async () => {
  try {
    await T.loadSession();
  } catch (e) {
    T.banner('Cannot reach the dashboard API: ' + e.message);
    return;
  }
  T.render();
})();
