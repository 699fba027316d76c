// At logout, the offline page's copy of the learner list leaves the device (its queue of unsent sessions stays, tied
// to the account, and goes at the next login); the adviser is told first if sessions are still waiting.
(function () {
  "use strict";
  const form = document.querySelector("form.logout");
  if (!form || !window.indexedDB || !indexedDB.databases) return;
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
