// The offline page: learners kept on the device for the day, sessions queued in IndexedDB with a key made here,
// sent in order when the network returns (each once: the server keeps the answer to each key), refusals kept
// "à revoir" with the server's reason. Nothing here is sent anywhere but this service's own API.
(function () {
  "use strict";
  const DB_NAME = "inclusion-hors-ligne";
  const app = document.getElementById("offline-app");
  const $ = (id) => document.getElementById(id);
  let db = null;
  let session = null; // {user_id, csrf_token, keep_hours, saved_at}
  let learners = [];
  let chosen = null;
  let editingKey = null;
  let syncing = false;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const base = request.result;
        base.createObjectStore("kv");
        base.createObjectStore("queue", { keyPath: "key" });
        base.createObjectStore("review", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function run(store, mode, action) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = action(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());

  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const time = (ms) => new Date(ms).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  const localToday = () => new Date().toLocaleDateString("sv-SE");

  function say(text, kind) {
    const state = $("offline-state");
    state.textContent = text;
    state.className = "offline-state" + (kind ? " " + kind : "");
  }

  async function forgetLearners() {
    learners = [];
    await remove("kv", "learners");
    await remove("kv", "session");
  }

  async function load() {
    session = (await get("kv", "session")) || null;
    const kept = (await get("kv", "learners")) || null;
    if (session && Date.now() > session.saved_at + session.keep_hours * 3600 * 1000) {
      await forgetLearners(); // kept longer than allowed: nothing personal stays
      session = null;
    } else if (kept && session && kept.user_id === session.user_id) {
      learners = kept.items;
    }
    try {
      const response = await fetch("/hors-ligne/donnees", { credentials: "same-origin", headers: { Accept: "application/json" } });
      const type = response.headers.get("content-type") || "";
      if (!response.ok || response.redirected || !type.includes("json")) {
        await forgetLearners();
        session = null;
        say("Votre session a expiré : reconnectez-vous, avec du réseau, pour préparer cette page.", "warning");
        return;
      }
      const data = await response.json();
      session = { user_id: data.user_id, csrf_token: data.csrf_token, keep_hours: data.keep_hours, saved_at: Date.now() };
      learners = data.learners;
      await put("kv", session, "session");
      await put("kv", { user_id: data.user_id, items: learners }, "learners");
    } catch (error) {
      // no network: what the device kept today, if anything
    }
    if (!session) {
      say("Cette page n'a pas encore été préparée aujourd'hui : ouvrez-la une fois avec du réseau.", "warning");
    } else {
      const until = time(session.saved_at + session.keep_hours * 3600 * 1000);
      say(`Prêt hors ligne : ${learners.length} apprenants gardés sur ce téléphone jusqu'à ${until}.`, "ready");
    }
  }

  async function queued() {
    const items = (await all("queue")).filter((item) => !session || item.user_id === session.user_id);
    return items.sort((a, b) => a.queued_at - b.queued_at);
  }

  function item(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }

  async function render() {
    const waiting = await queued();
    $("queue-count").textContent = String(waiting.length);
    $("queue-list").replaceChildren(...waiting.map((record) => item(record.label)));
    const last = await get("kv", "last_sync");
    if (last) $("last-sync").textContent = `Dernier envoi : ${time(last.at)} (${last.sent} séance${last.sent > 1 ? "s" : ""} envoyée${last.sent > 1 ? "s" : ""}).`;
    const review = (await all("review")).filter((record) => !session || record.user_id === session.user_id);
    $("review").hidden = review.length === 0;
    $("review-count").textContent = String(review.length);
    $("review-list").replaceChildren(...review.map(reviewItem));
  }

  function reviewItem(record) {
    const li = item(record.label);
    const reason = document.createElement("p");
    reason.className = "reason";
    reason.textContent = record.reason;
    const actions = document.createElement("p");
    actions.className = "actions";
    const fix = document.createElement("button");
    fix.type = "button";
    fix.className = "secondary";
    fix.textContent = "Corriger";
    fix.addEventListener("click", () => correct(record));
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "danger";
    drop.textContent = "Abandonner";
    drop.addEventListener("click", async () => {
      if (window.confirm(`Abandonner la séance « ${record.label} » ? Elle ne sera jamais enregistrée.`)) {
        await remove("review", record.key);
        render();
      }
    });
    actions.append(fix, drop);
    li.append(reason, actions);
    return li;
  }

  async function correct(record) {
    await remove("review", record.key);
    editingKey = record.key;
    const body = record.body;
    choose(learners.find((learner) => learner.id === body.learner_id) || null);
    $("offline-date").value = body.date;
    for (const radio of document.querySelectorAll("input[name=duration]")) radio.checked = Number(radio.value) === body.duration_minutes;
    for (const box of document.querySelectorAll("input[name=topic]")) box.checked = body.digital_topics.includes(box.value);
    render();
    $("offline-q").focus();
  }

  function choose(learner) {
    chosen = learner;
    $("offline-chosen").hidden = !learner;
    $("offline-chosen").textContent = learner ? `Avec : ${learner.name}${learner.birth_year ? " (" + learner.birth_year + ")" : ""}` : "";
    $("offline-found").replaceChildren();
    if (learner) $("offline-q").value = "";
  }

  function search() {
    const words = fold($("offline-q").value).split(/\s+/).filter(Boolean);
    if (!words.length) return $("offline-found").replaceChildren();
    const found = learners.filter((learner) => words.every((word) => fold(learner.name).includes(word))).slice(0, 8);
    $("offline-found").replaceChildren(
      ...found.map((learner) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = learner.name + (learner.birth_year ? ` (${learner.birth_year})` : "");
        button.addEventListener("click", () => choose(learner));
        li.append(button);
        return li;
      }),
    );
  }

  function problem(id, text) {
    const node = $(id);
    node.hidden = !text;
    node.textContent = text || "";
    return Boolean(text);
  }

  async function save(event) {
    event.preventDefault();
    const duration = document.querySelector("input[name=duration]:checked");
    const topics = Array.from(document.querySelectorAll("input[name=topic]:checked")).map((box) => box.value);
    const bad = [
      problem("error-learner", chosen ? "" : "Choisissez l'apprenant : tapez quelques lettres de son nom."),
      problem("error-duration", duration ? "" : "Choisissez la durée."),
      problem("error-topics", topics.length ? "" : "Cochez au moins une thématique."),
    ].some(Boolean);
    if (bad || !session) {
      if (!session) say("Cette page n'a pas encore été préparée aujourd'hui : ouvrez-la une fois avec du réseau.", "warning");
      return;
    }
    const date = $("offline-date").value || localToday();
    const record = {
      key: editingKey || crypto.randomUUID(),
      user_id: session.user_id,
      queued_at: Date.now(),
      label: `${chosen.name} — séance du ${date.split("-").reverse().join("/")}`,
      body: {
        type: "individuel",
        site_id: chosen.site_id,
        date,
        duration_minutes: Number(duration.value),
        learner_id: chosen.id,
        digital_topics: topics,
      },
    };
    await put("queue", record);
    editingKey = null;
    $("offline-form").reset();
    $("offline-date").value = localToday();
    choose(null);
    say(navigator.onLine ? "Séance notée : envoi en cours." : "Séance notée sur ce téléphone : elle partira dès que le réseau revient.", "ready");
    await render();
    sync();
  }

  function reasonOf(body) {
    const details = (body.details || []).map((detail) => detail.message).filter(Boolean);
    return [body.message, ...details].filter(Boolean).join(" ") || "Refusée par le serveur.";
  }

  async function sync() {
    if (syncing || !session || !navigator.onLine) return;
    syncing = true;
    let sent = 0;
    try {
      for (const record of await queued()) {
        let response;
        try {
          response = await fetch("/api/v1/activities", {
            method: "POST",
            credentials: "same-origin",
            headers: {
              "Content-Type": "application/json",
              Accept: "application/json",
              "Idempotency-Key": record.key,
              "X-CSRF-Token": session.csrf_token,
            },
            body: JSON.stringify(record.body),
          });
        } catch (error) {
          break; // the network dropped: the record stays, and goes with the next sending
        }
        if (response.ok) {
          await remove("queue", record.key);
          sent += 1;
        } else if (response.status === 401 || response.status === 403) {
          say("Votre session a expiré : reconnectez-vous pour envoyer les séances en attente.", "warning");
          break;
        } else if (response.status >= 500) {
          break;
        } else {
          const body = await response.json().catch(() => ({}));
          await remove("queue", record.key);
          await put("review", { ...record, reason: reasonOf(body) });
        }
      }
      if (sent) await put("kv", { at: Date.now(), sent }, "last_sync");
    } finally {
      syncing = false;
      await render();
    }
  }

  async function start() {
    db = await openDb();
    $("offline-date").value = localToday();
    $("offline-date").max = localToday();
    $("offline-q").addEventListener("input", search);
    $("offline-form").addEventListener("submit", save);
    $("sync-now").addEventListener("click", sync);
    window.addEventListener("online", sync);
    setInterval(() => { if (navigator.onLine) sync(); }, 30000);
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/hors-ligne/sw.js", { scope: "/hors-ligne/" });
    await load();
    await render();
    sync();
    app.dataset.ready = "true";
  }

  start();
})();
