// The offline page: learners kept on the device for the day; sessions, workshops and new learner files queued in
// IndexedDB with a key made here, sent in order when the network returns (each once: the server keeps the answer
// to each key); a file made offline is created first, and the records naming it follow with its real id; refusals
// are kept "à revoir" with the server's reason. Nothing here is sent anywhere but this service's own API.
(function () {
  "use strict";
  const DB_NAME = "inclusion-hors-ligne";
  const app = document.getElementById("offline-app");
  const $ = (id) => document.getElementById(id);
  let db = null;
  let session = null; // {user_id, csrf_token, keep_hours, saved_at}
  let learners = [];
  let framework = null; // the assessment form's framework, kinds, and each learner's latest levels
  let previous = {};
  let kinds = {};
  let chosen = []; // the learner of a session, or a workshop's participants
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

  const keepLearners = () => put("kv", { user_id: session.user_id, items: learners, framework, previous, kinds }, "learners");

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
      ({ items: learners, framework, previous, kinds } = { framework: null, previous: {}, kinds: {}, ...kept });
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
      session = { user_id: data.user_id, csrf_token: data.csrf_token, keep_hours: data.keep_hours, sites: data.sites, saved_at: Date.now() };
      learners = data.learners;
      ({ framework, previous, kinds } = data);
      await put("kv", session, "session");
      await keepLearners();
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
    if (last) $("last-sync").textContent = `Dernier envoi : ${time(last.at)} (${last.sent} enregistrement${last.sent > 1 ? "s" : ""} envoyé${last.sent > 1 ? "s" : ""}).`;
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
    if (record.kind === "learner") {
      fix.textContent = "Créer quand même";
      fix.addEventListener("click", async () => {
        await remove("review", record.key);
        await put("queue", { ...record, body: { ...record.body, confirm_duplicate: true }, reason: undefined });
        await render();
        sync();
      });
    } else {
      fix.textContent = "Corriger";
      fix.addEventListener("click", () => correct(record));
    }
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "danger";
    drop.textContent = "Abandonner";
    drop.addEventListener("click", async () => {
      if (window.confirm(`Abandonner « ${record.label} » ? Ce ne sera jamais enregistré.`)) {
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
    if (record.kind === "assessment") {
      document.getElementById("offline-kind-evaluation").checked = true;
      chosen = learners.filter((learner) => learner.id === body.learner_id);
      showKind();
      document.getElementById(`offline-ak-${body.kind}`).checked = true;
      for (const [code, level] of Object.entries(body.levels)) {
        const input = document.getElementById(`offline-l-${code}-${level}`);
        if (input) input.checked = true;
      }
      $("offline-date").value = body.assessed_on;
      await render();
      return;
    }
    document.getElementById(`offline-kind-${body.type}`).checked = true;
    const ids = body.type === "collectif" ? body.participants.map((p) => p.learner_id) : [body.learner_id];
    chosen = ids.map((id) => learners.find((learner) => learner.id === id)).filter(Boolean);
    $("offline-title").value = body.title || "";
    $("offline-anonymous").value = String(body.anonymous_count || 0);
    showKind();
    $("offline-date").value = body.date;
    for (const radio of document.querySelectorAll("input[name=duration]")) radio.checked = Number(radio.value) === body.duration_minutes;
    for (const box of document.querySelectorAll("input[name=topic]")) box.checked = body.digital_topics.includes(box.value);
    render();
    $("offline-q").focus();
  }

  const kind = () => document.querySelector("input[name=kind]:checked").value;
  const nameOf = (learner) => learner.name + (learner.birth_year ? ` (${learner.birth_year})` : "");

  function showKind() {
    const workshop = kind() === "collectif";
    const evaluation = kind() === "evaluation";
    $("field-title").hidden = !workshop;
    $("field-anonymous").hidden = !workshop;
    $("field-assessment").hidden = !evaluation;
    $("field-duration").hidden = evaluation;
    $("field-topics").hidden = evaluation;
    $("offline-q-label").textContent = workshop ? "Participants" : "Apprenant";
    $("offline-save").textContent = workshop ? "Enregistrer l'atelier" : evaluation ? "Enregistrer l'évaluation" : "Enregistrer la séance";
    if (evaluation) showPrevious();
    if (!workshop && chosen.length > 1) chosen = chosen.slice(0, 1);
    showChosen();
  }

  function showChosen() {
    $("offline-chosen").replaceChildren(
      ...chosen.map((learner) => {
        const li = document.createElement("li");
        const label = document.createElement("span");
        label.textContent = (kind() === "collectif" ? "" : "Avec : ") + nameOf(learner) + (learner.pending ? " — nouvelle fiche" : "");
        const drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = "Retirer";
        drop.setAttribute("aria-label", `Retirer ${learner.name}`);
        drop.addEventListener("click", () => { chosen = chosen.filter((other) => other !== learner); showChosen(); });
        li.append(label, drop);
        return li;
      }),
    );
  }

  function choose(learner) {
    if (learner) chosen = kind() === "collectif" ? chosen.filter((other) => other.id !== learner.id).concat([learner]) : [learner];
    else chosen = [];
    showChosen();
    if (kind() === "evaluation") showPrevious();
    $("offline-found").replaceChildren();
    $("offline-new").hidden = true;
    $("offline-q").value = "";
  }

  function radio(name, value, text, id, checked) {
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    input.id = id;
    input.checked = input.defaultChecked = checked;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text;
    return [input, label];
  }

  function buildAssessment() {
    if (!framework) return;
    $("assessment-kinds").replaceChildren(
      ...Object.entries(kinds).flatMap(([value, text]) => radio("assessment_kind", value, text, `offline-ak-${value}`, value === "initial")),
    );
    $("assessment-competences").replaceChildren(
      ...framework.competences.map((competence) => {
        const set = document.createElement("fieldset");
        set.className = "levels";
        const legend = document.createElement("legend");
        legend.textContent = competence.label + (competence.socle ? " (socle)" : "");
        const hint = document.createElement("p");
        hint.className = "hint";
        hint.id = `offline-prev-${competence.code}`;
        const choices = document.createElement("div");
        choices.className = "choices";
        choices.append(...radio(`level_${competence.code}`, "", "Non évaluée", `offline-l-${competence.code}-none`, true));
        for (const step of framework.scale) {
          choices.append(...radio(`level_${competence.code}`, String(step.level), `${step.level} · ${step.label}`, `offline-l-${competence.code}-${step.level}`, false));
        }
        set.append(legend, hint, choices);
        return set;
      }),
    );
  }

  function showPrevious() {
    if (!framework) return;
    const known = chosen.length ? previous[chosen[0].id] || {} : {};
    for (const competence of framework.competences) {
      const last = known[competence.code];
      const step = last && framework.scale.find((s) => s.level === last[0]);
      $(`offline-prev-${competence.code}`).textContent = last
        ? `Précédemment : ${step ? step.label : last[0]} (${last[1].split("-").reverse().join("/")})`
        : "Jamais évaluée";
    }
    const kindInput = document.getElementById(`offline-ak-${Object.keys(known).length ? "intermediaire" : "initial"}`);
    if (kindInput) kindInput.checked = true;
  }

  function search() {
    const words = fold($("offline-q").value).split(/\s+/).filter(Boolean);
    if (!words.length) return $("offline-found").replaceChildren();
    const found = learners.filter((learner) => words.every((word) => fold(learner.name).includes(word))).slice(0, 8);
    const buttons = found.map((learner) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = nameOf(learner);
      button.addEventListener("click", () => choose(learner));
      li.append(button);
      return li;
    });
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "offline-new-button";
    button.textContent = `+ Nouvelle fiche « ${$("offline-q").value.trim()} »`;
    button.addEventListener("click", () => {
      const [first, ...rest] = $("offline-q").value.trim().split(/\s+/);
      $("offline-first").value = first || "";
      $("offline-last").value = rest.join(" ");
      $("offline-new").hidden = false;
      $("offline-first").focus();
    });
    li.append(button);
    $("offline-found").replaceChildren(...buttons, li);
  }

  async function addLearner() {
    const first = $("offline-first").value.trim();
    const last = $("offline-last").value.trim();
    const birth = $("offline-birth").value ? Number($("offline-birth").value) : null;
    if (problem("error-new", first && last ? "" : "Indiquez le prénom et le nom.")) return;
    const sites = session ? session.sites || [] : [];
    const temp = "tmp-" + crypto.randomUUID();
    const learner = { id: temp, site_id: sites.length ? sites[0].id : null, name: `${first} ${last}`, birth_year: birth, pending: true };
    const body = { first_name: first, last_name: last, site_id: learner.site_id };
    if (birth) body.birth_year = birth;
    $("offline-first").value = $("offline-last").value = $("offline-birth").value = "";
    learners.push(learner);
    choose(learner);
    await put("queue", { key: crypto.randomUUID(), kind: "learner", temp, user_id: session.user_id, queued_at: Date.now(), label: `Nouvelle fiche : ${learner.name}`, body });
    await keepLearners();
    await render();
  }

  function problem(id, text) {
    const node = $(id);
    node.hidden = !text;
    node.textContent = text || "";
    return Boolean(text);
  }

  async function save(event) {
    event.preventDefault();
    if (kind() === "evaluation") return saveAssessment();
    const workshop = kind() === "collectif";
    const duration = document.querySelector("input[name=duration]:checked");
    const topics = Array.from(document.querySelectorAll("input[name=topic]:checked")).map((box) => box.value);
    const anonymous = Number($("offline-anonymous").value || 0);
    const title = $("offline-title").value.trim();
    const bad = [
      problem("error-learner", chosen.length || (workshop && anonymous) ? "" : workshop ? "Ajoutez au moins un participant." : "Choisissez l'apprenant : tapez quelques lettres de son nom."),
      problem("error-title", !workshop || title ? "" : "Donnez un titre à l'atelier."),
      problem("error-duration", duration ? "" : "Choisissez la durée."),
      problem("error-topics", topics.length ? "" : "Cochez au moins une thématique."),
    ].some(Boolean);
    if (bad || !session) {
      if (!session) say("Cette page n'a pas encore été préparée aujourd'hui : ouvrez-la une fois avec du réseau.", "warning");
      return;
    }
    const date = $("offline-date").value || localToday();
    const day = date.split("-").reverse().join("/");
    const site_id = chosen.length ? chosen[0].site_id : (session.sites || [])[0]?.id;
    const body = workshop
      ? { type: "collectif", site_id, date, duration_minutes: Number(duration.value), title, digital_topics: topics,
          participants: chosen.map((learner) => ({ learner_id: learner.id, present: true })), anonymous_count: anonymous }
      : { type: "individuel", site_id, date, duration_minutes: Number(duration.value), learner_id: chosen[0].id, digital_topics: topics };
    const label = workshop
      ? `Atelier « ${title} » du ${day} (${chosen.length + anonymous} participant${chosen.length + anonymous > 1 ? "s" : ""})`
      : `${chosen[0].name} — séance du ${day}`;
    await enqueue("activity", label, body);
  }

  // The form is cleared at once, before any wait (the next person may already be typed in), then the record kept.
  async function enqueue(recordKind, label, body) {
    const record = { key: editingKey || crypto.randomUUID(), kind: recordKind, user_id: session.user_id, queued_at: Date.now(), label, body };
    editingKey = null;
    const keep = kind();
    $("offline-form").reset();
    document.getElementById(`offline-kind-${keep}`).checked = true;
    $("offline-date").value = localToday();
    choose(null);
    showKind();
    await put("queue", record);
    say(navigator.onLine ? "Noté : envoi en cours." : "Noté sur ce téléphone : l'envoi se fera dès que le réseau revient.", "ready");
    await render();
    sync();
  }

  async function saveAssessment() {
    const levels = {};
    for (const input of document.querySelectorAll("#assessment-competences input:checked")) {
      if (input.value !== "") levels[input.name.slice("level_".length)] = Number(input.value);
    }
    const bad = [
      problem("error-learner", chosen.length ? "" : "Choisissez l'apprenant : tapez quelques lettres de son nom."),
      problem("error-levels", Object.keys(levels).length ? "" : "Touchez le niveau d'au moins une compétence."),
    ].some(Boolean);
    if (bad || !session || !framework) return;
    const date = $("offline-date").value || localToday();
    const assessmentKind = document.querySelector("input[name=assessment_kind]:checked").value;
    const body = { learner_id: chosen[0].id, kind: assessmentKind, levels, version_id: framework.version_id, assessed_on: date };
    const count = Object.keys(levels).length;
    const label = `${chosen[0].name} — évaluation du ${date.split("-").reverse().join("/")} (${count} compétence${count > 1 ? "s" : ""})`;
    await enqueue("assessment", label, body);
  }

  function reasonOf(body) {
    const details = (body.details || []).map((detail) => detail.message).filter(Boolean);
    return [body.message, ...details].filter(Boolean).join(" ") || "Refusée par le serveur.";
  }

  // Temporary ids of files made offline, replaced by the server's: null while one cannot be resolved yet.
  function resolved(body, made) {
    const real = (id) => (typeof id === "string" ? made[id] : id);
    const copy = JSON.parse(JSON.stringify(body));
    if (copy.learner_id !== undefined && copy.learner_id !== null) copy.learner_id = real(copy.learner_id);
    for (const participant of copy.participants || []) participant.learner_id = real(participant.learner_id);
    const missing = ("learner_id" in copy && copy.learner_id === undefined) || (copy.participants || []).some((p) => p.learner_id === undefined);
    return missing ? null : copy;
  }

  async function send(path, record, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": record.key,
        "X-CSRF-Token": session.csrf_token,
      },
      body: JSON.stringify(body),
    });
  }

  async function sync() {
    if (syncing || !session || !navigator.onLine) return;
    syncing = true;
    let sent = 0;
    try {
      const made = (await get("kv", "made")) || {};
      for (const record of await queued()) {
        const learnerFile = record.kind === "learner";
        const body = learnerFile ? record.body : resolved(record.body, made);
        if (!body) {
          const text = JSON.stringify(record.body);
          const pending = (await all("queue")).concat(await all("review")).some((other) => other.kind === "learner" && text.includes(other.temp));
          if (!pending) {
            await remove("queue", record.key);
            await put("review", { ...record, reason: "La nouvelle fiche qu'elle nomme a été abandonnée : choisissez une autre personne." });
          }
          continue; // waits for its new file, which is queued or to review
        }
        let response;
        try {
          const path = learnerFile ? "/api/v1/learners" : record.kind === "assessment" ? "/api/v1/assessments" : "/api/v1/activities";
          response = await send(path, record, body);
        } catch (error) {
          break; // the network dropped: the record stays, and goes with the next sending
        }
        if (response.ok) {
          if (learnerFile) {
            const created = await response.json();
            made[record.temp] = created.id;
            await put("kv", made, "made");
            learners = learners.map((learner) => (learner.id === record.temp ? { ...learner, id: created.id, pending: false } : learner));
            await keepLearners();
          }
          await remove("queue", record.key);
          sent += 1;
        } else if (response.status === 401 || response.status === 403) {
          say("Votre session a expiré : reconnectez-vous pour envoyer ce qui attend.", "warning");
          break;
        } else if (response.status >= 500) {
          break;
        } else {
          const answer = await response.json().catch(() => ({}));
          await remove("queue", record.key);
          await put("review", { ...record, reason: reasonOf(answer) });
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
    for (const radio of document.querySelectorAll("input[name=kind]")) radio.addEventListener("change", showKind);
    $("offline-new-add").addEventListener("click", addLearner);
    $("offline-form").addEventListener("submit", save);
    $("sync-now").addEventListener("click", sync);
    window.addEventListener("online", sync);
    setInterval(() => { if (navigator.onLine) sync(); }, 30000);
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/hors-ligne/sw.js", { scope: "/hors-ligne/" });
    await load();
    buildAssessment();
    await render();
    sync();
    app.dataset.ready = "true";
  }

  start();
})();
