/* Lead capture on a phone: scan a badge (camera, photo or typed code), add notes, keep the scan in
   IndexedDB at once, upload waiting scans whenever the connection allows. Each scan has a uuid made
   here (crypto.randomUUID); the server keeps one lead per uuid, so a retried upload never doubles. */
(function () {
  "use strict";
  const root = document.getElementById("lead-capture");
  if (!root) return;
  const T = JSON.parse(document.getElementById("lead-capture-text").textContent);
  const cfg = root.dataset;
  const DB = "trustfair-leads", STORE = "scans";
  const $ = (id) => document.getElementById(id);
  const form = $("scan-form"), codeInput = $("scan-code"), status = $("scan-status");
  const waitingEl = $("scan-waiting"), listEl = $("scan-list");
  let syncing = false;
  let saving = Promise.resolve();

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // -- IndexedDB ---------------------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: "client_id" });
        store.createIndex("state", "state");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async function tx(mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const out = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(out && out.result !== undefined ? out.result : out);
      t.onerror = () => reject(t.error);
    });
  }
  const putScan = (scan) => tx("readwrite", (s) => s.put(scan));
  const allScans = () => tx("readonly", (s) => s.getAll());

  // -- what the page shows -----------------------------------------------------------------------
  async function render() {
    const scans = (await allScans()).filter((s) => s.session === cfg.session)
      .sort((a, b) => (a.scanned_at < b.scanned_at ? 1 : -1));
    const waiting = scans.filter((s) => s.state === "waiting").length;
    waitingEl.textContent = waiting === 0 ? T.none_waiting : T.waiting.replace("%(n)s", waiting);
    waitingEl.dataset.waiting = String(waiting);
    listEl.replaceChildren(...scans.slice(0, 30).map((s) => {
      const li = document.createElement("li");
      li.className = "scan-item scan-" + s.state;
      const label = s.state === "waiting" ? T.state_waiting : s.state === "refused" ? T.state_refused : T.state_sent;
      li.textContent = `${s.scanned_at.slice(11, 16)} · ${s.code.slice(0, 14)}… · ${label}${s.reason ? " — " + s.reason : ""}`;
      return li;
    }));
    $("scan-online").textContent = navigator.onLine ? T.online : T.offline;
  }

  function say(text, kind) { status.textContent = text; status.className = "scan-status " + (kind || ""); }

  // -- the sync loop -----------------------------------------------------------------------------
  async function sync() {
    if (syncing) return;
    syncing = true;
    try {
      const waiting = (await allScans()).filter((s) => s.state === "waiting" && s.session === cfg.session);
      for (let i = 0; i < waiting.length; i += 50) {
        const batch = waiting.slice(i, i + 50);
        const response = await fetch(cfg.uploadUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
          body: JSON.stringify({ scans: batch.map(({ state, reason, session, ...scan }) => scan) }),
        });
        if (!response.ok) { say(response.status === 401 || response.status === 403 ? T.sign_in : T.retry, "warn"); break; }
        const { results } = await response.json();
        const byId = new Map(batch.map((s) => [s.client_id, s]));
        for (const r of results) {
          const scan = byId.get(r.client_id);
          if (!scan) continue;
          if (r.status === "refused") { scan.state = "refused"; scan.reason = r.reason; }
          else { scan.state = "sent"; scan.reason = ""; }
          await putScan(scan);
        }
      }
    } catch (e) {
      // Offline or the server away: the scans keep waiting.
    } finally {
      syncing = false;
      render();
    }
  }

  // -- saving a scan -----------------------------------------------------------------------------
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = codeInput.value.trim();
    if (!code) { say(T.no_code, "warn"); codeInput.focus(); return; }
    const answers = {};
    form.querySelectorAll("[data-question]").forEach((el) => {
      const q = el.dataset.question;
      if (el.type === "checkbox") { if (el.checked) answers[q] = true; }
      else if (el.tagName === "SELECT") { if (el.value) answers[q] = el.value === "yes"; }
      else if (el.value.trim()) answers[q] = el.value.trim();
    });
    const rating = (form.querySelector("input[name=rating]:checked") || {}).value || "";
    const products = Array.from(form.querySelectorAll("input[name=products]:checked"), (el) => parseInt(el.value, 10));
    const scan = {
      client_id: uuid(), session: cfg.session, code, scanned_at: new Date().toISOString(),
      notes: $("scan-notes").value, rating, answers, products, state: "waiting",
    };
    // The form is read and cleared now, before the scan is stored: whatever is typed or scanned while
    // it is being saved belongs to the next scan and is kept. Saves run one after another, in order.
    form.reset();
    codeInput.focus();
    saving = saving.then(() => putScan(scan)).then(
      () => { say(T.saved, "ok"); },
      () => {
        // Not stored (the phone's storage refused it): give the code back unless a new one is typed.
        if (!codeInput.value) codeInput.value = scan.code;
        say(T.not_saved, "warn");
      },
    );
    await saving;
    await render();
    sync();
  });

  // -- decoding a QR code ------------------------------------------------------------------------
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  function decode(source, width, height) {
    const scale = Math.min(1, 1200 / Math.max(width, height));
    canvas.width = Math.round(width * scale); canvas.height = Math.round(height * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return found && found.data ? found.data : null;
  }
  function found(code) {
    codeInput.value = code;
    say(T.decoded, "ok");
    $("scan-notes").focus();
  }

  $("scan-photo").addEventListener("change", async (event) => {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const code = decode(bitmap, bitmap.width, bitmap.height);
      if (code) found(code); else say(T.no_qr, "warn");
    } catch (e) { say(T.no_qr, "warn"); }
    event.target.value = "";
  });

  let stream = null, timer = null;
  const video = $("scan-video");
  function stopCamera() {
    if (timer) clearInterval(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null; timer = null; video.hidden = true;
    $("scan-camera").textContent = T.camera_start;
  }
  $("scan-camera").addEventListener("click", async () => {
    if (stream) { stopCamera(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(T.no_camera, "warn"); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) { say(T.no_camera, "warn"); return; }
    video.srcObject = stream; video.hidden = false; await video.play();
    $("scan-camera").textContent = T.camera_stop;
    timer = setInterval(() => {
      if (video.readyState < 2) return;
      const code = decode(video, video.videoWidth, video.videoHeight);
      if (code) { stopCamera(); found(code); }
    }, 250);
  });

  // -- start -------------------------------------------------------------------------------------
  window.addEventListener("online", () => { render(); sync(); });
  window.addEventListener("offline", render);
  setInterval(sync, 15000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.swUrl, { scope: cfg.scope }).then(() => navigator.serviceWorker.ready)
      .then((reg) => {
        const urls = [location.href].concat(
          Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]"), (el) => el.src || el.href));
        (reg.active || navigator.serviceWorker.controller).postMessage({ type: "precache", urls });
      }).catch(() => null);
  }
  render().then(sync);
})();
