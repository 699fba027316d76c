// At logout, and on the login page (a session that ended or expired), the offline page's copy of the learner list
// leaves the device. Its queue of unsent records stays, tied to the account, and goes at the next login; at logout
// the adviser is told first if records are still waiting. The database is the one offline.js keeps.
(function () {
  "use strict";
  const DB_NAME = "inclusion-hors-ligne";
  if (!window.indexedDB || !indexedDB.databases) return;

  async function open() {
    const known = await indexedDB.databases();
    if (!known.some((base) => base.name === DB_NAME)) return null;
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function waiting(db) {
    return new Promise((resolve) => {
      const request = db.transaction("queue").objectStore("queue").count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(0);
    });
  }

  function forgetKept(db) {
    return new Promise((resolve) => {
      const transaction = db.transaction("kv", "readwrite");
      transaction.objectStore("kv").delete("learners");
      transaction.objectStore("kv").delete("session");
      transaction.oncomplete = resolve;
      transaction.onerror = resolve;
    }).then(() => db.close());
  }

  if (document.querySelector("form[action='/login']")) {
    open().then((db) => db && forgetKept(db)).catch(() => {});
    return;
  }
  const form = document.querySelector("form.logout");
  if (!form) return;
  let confirmed = false;
  form.addEventListener("submit", async (event) => {
    if (confirmed) return;
    event.preventDefault();
    try {
      const db = await open();
      if (db) {
        const count = await waiting(db);
        const plural = count > 1;
        const message = `${count} enregistrement${plural ? "s" : ""} noté${plural ? "s" : ""} hors ligne n'${plural ? "ont" : "a"} pas encore été envoyé${plural ? "s" : ""} : ${plural ? "ils resteront" : "il restera"} sur ce téléphone et partira${plural ? "nt" : ""} à votre prochaine connexion. Se déconnecter quand même ?`;
        if (count && !window.confirm(message)) {
          db.close();
          return;
        }
        await forgetKept(db);
      }
    } catch (error) {
      // nothing kept, or storage unavailable: log out anyway
    }
    confirmed = true;
    form.submit();
  });
})();
