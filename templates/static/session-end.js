// At logout, and on the login page (a session that ended or expired), the offline page's copy of the learner list
// leaves the device. Its queue of unsent records stays, tied to the account, and goes at the next login; at logout
// the adviser is told first if records are still waiting.
(function () {
  "use strict";
  if (!window.indexedDB || !indexedDB.databases) return;

  async function forget() {
    const known = await indexedDB.databases();
    if (!known.some((base) => base.name === "inclusion-hors-ligne")) return;
    const request = indexedDB.open("inclusion-hors-ligne", 1);
    request.onsuccess = () => {
      const transaction = request.result.transaction("kv", "readwrite");
      transaction.objectStore("kv").delete("learners");
      transaction.objectStore("kv").delete("session");
      transaction.oncomplete = () => request.result.close();
    };
  }

  if (document.querySelector("form[action='/login']")) {
    forget();
    return;
  }
  const form = document.querySelector("form.logout");
  if (!form) return;
  let confirmed = false;
  form.addEventListener("submit", async (event) => {
    if (confirmed) return;
    event.preventDefault();
    try {
      const known = await indexedDB.databases();
      if (known.some((base) => base.name === "inclusion-hors-ligne")) {
        const db = await new Promise((resolve, reject) => {
          const request = indexedDB.open("inclusion-hors-ligne", 1);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const waiting = await new Promise((resolve) => {
          const request = db.transaction("queue").objectStore("queue").count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => resolve(0);
        });
        const message = `${waiting} séance${waiting > 1 ? "s" : ""} notée${waiting > 1 ? "s" : ""} hors ligne n'${waiting > 1 ? "ont" : "a"} pas encore été envoyée${waiting > 1 ? "s" : ""} : elle${waiting > 1 ? "s" : ""} restera${waiting > 1 ? "nt" : ""} sur ce téléphone et partira${waiting > 1 ? "nt" : ""} à votre prochaine connexion. Se déconnecter quand même ?`;
        if (waiting && !window.confirm(message)) {
          db.close();
          return;
        }
        await new Promise((resolve) => {
          const transaction = db.transaction("kv", "readwrite");
          transaction.objectStore("kv").delete("learners");
          transaction.objectStore("kv").delete("session");
          transaction.oncomplete = resolve;
          transaction.onerror = resolve;
        });
        db.close();
      }
    } catch (error) {
      // nothing kept, or storage unavailable: log out anyway
    }
    confirmed = true;
    form.submit();
  });
})();
