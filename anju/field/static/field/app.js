/* 入户采集: door-to-door visits, ballots and suggestions with no connection.
   The building's download and every queued record are kept in IndexedDB encrypted with AES-GCM
   (WebCrypto) under the key the server hands to the signed-in session; the key is kept as a
   non-extractable CryptoKey, and downloads go with sign-out or after the configured days.
   Records carry a client-generated id: the server counts each once, however often it is sent. */
(() => {
  "use strict";
  const body = document.body;
  const API = body.dataset.api;
  const app = document.getElementById("app");
  const net = document.getElementById("net");
  const CHUNK = 64 * 1024;
  const STATUS = {waiting: "待上传", accepted: "已接收", duplicate: "已接收", refused: "被拒绝", conflict: "冲突待处理"};
  let db, current = null;

  // ------------------------------------------------------------ storage
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("anju-field", 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        d.createObjectStore("keys", {keyPath: "key_id"});
        d.createObjectStore("downloads", {keyPath: "building_id"});
        d.createObjectStore("queue", {keyPath: "client_id"});
        d.createObjectStore("meta", {keyPath: "name"});
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  function tx(store, mode, fn) {
    return new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = fn(t.objectStore(store));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  const get = (store, key) => tx(store, "readonly", (s) => s.get(key));
  const all = (store) => tx(store, "readonly", (s) => s.getAll());
  const put = (store, value) => tx(store, "readwrite", (s) => s.put(value));
  const del = (store, key) => tx(store, "readwrite", (s) => s.delete(key));

  async function meta(name, value) {
    if (value === undefined) { const row = await get("meta", name); return row ? row.value : undefined; }
    return put("meta", {name, value});
  }

  // ------------------------------------------------------------ encryption
  function b64bytes(text) {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
  async function sessionKey() {
    if (navigator.onLine) {
      try {
        const r = await fetch(`${API}/key`, {credentials: "same-origin"});
        if (r.ok) {
          const k = await r.json();
          if (!(await get("keys", k.key_id))) {
            const key = await crypto.subtle.importKey("raw", b64bytes(k.key), "AES-GCM", false, ["encrypt", "decrypt"]);
            await put("keys", {key_id: k.key_id, key});
            await forgetOldDownloads(k.key_id);
          }
          await meta("key_id", k.key_id);
          await meta("keep_days", k.keep_days);
        }
      } catch (e) { /* offline after all: use the kept key */ }
    }
    const id = await meta("key_id");
    const row = id && await get("keys", id);
    return row ? row : null;
  }
  async function seal(value) {
    const k = await sessionKey();
    if (!k) throw new Error("请先联网登录 / sign in online first");
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({name: "AES-GCM", iv}, k.key, new TextEncoder().encode(JSON.stringify(value)));
    return {key_id: k.key_id, iv, data};
  }
  async function open(sealed) {
    const row = await get("keys", sealed.key_id);
    if (!row) return null;
    const plain = await crypto.subtle.decrypt({name: "AES-GCM", iv: sealed.iv}, row.key, sealed.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }
  async function forgetOldDownloads(keepKeyId) {
    // A new session: downloads made under an earlier key go; a key stays while queued records still need it.
    for (const d of await all("downloads")) if (d.key_id !== keepKeyId) await del("downloads", d.building_id);
    const needed = new Set((await all("queue")).map((q) => q.key_id));
    for (const k of await all("keys")) if (k.key_id !== keepKeyId && !needed.has(k.key_id)) await del("keys", k.key_id);
  }
  async function expireDownloads() {
    const days = (await meta("keep_days")) || 7;
    for (const d of await all("downloads")) if (Date.now() - d.saved_at > days * 86400000) await del("downloads", d.building_id);
  }

  // ------------------------------------------------------------ helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  function show(...nodes) { app.replaceChildren(...nodes); window.scrollTo(0, 0); }
  function csrf() { const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/); return m ? decodeURIComponent(m[1]) : ""; }
  async function device() {
    let id = await meta("device");
    if (!id) { id = `${crypto.randomUUID().slice(0, 8)} ${navigator.userAgent.match(/\(([^;)]+)/)?.[1] || "browser"}`.slice(0, 80); await meta("device", id); }
    return id;
  }
  function setNet() { net.textContent = navigator.onLine ? "在线" : "离线"; net.classList.toggle("offline", !navigator.onLine); }
  function badge(status) {
    const cls = {waiting: "badge-wait", accepted: "badge-ok", duplicate: "badge-ok", refused: "badge-no", conflict: "badge-conflict"}[status];
    return el("span", {class: `badge field-status ${cls}`, "data-status": status, text: STATUS[status] || status});
  }

  async function downscale(file) {
    // The phone's photo shrunk to 1280 px on its long side, as JPEG: a few hundred KB over a weak signal.
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
    const canvas = el("canvas", {width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale)});
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.8);
  }
  function dataUrlBytes(url) { return b64bytes(url.split(",")[1]); }

  // ------------------------------------------------------------ pages
  async function home() {
    const downloads = new Map((await all("downloads")).map((d) => [d.building_id, d]));
    let buildings = (await meta("buildings")) || [];
    if (navigator.onLine) {
      try {
        const r = await fetch(`${API}/buildings`, {credentials: "same-origin"});
        if (r.status === 401 || r.status === 403) { location.href = `${body.dataset.login}?next=${body.dataset.home}`; return; }
        if (r.ok) { buildings = await r.json(); await meta("buildings", buildings); }
      } catch (e) { /* offline */ }
    }
    const items = buildings.map((b) => el("li", {},
      el("div", {class: "room", text: b.label}),
      el("div", {class: "field-actions"},
        downloads.has(b.id) ? el("button", {class: "btn btn-primary", type: "button", text: "打开", onclick: () => building(b.id)}) : null,
        el("button", {class: "btn btn-outline-primary", type: "button", text: downloads.has(b.id) ? "重新下载" : "下载本楼栋",
                      "data-download": b.id, onclick: () => download(b.id)}))));
    show(el("h1", {text: "选择楼栋"}), items.length ? el("ul", {class: "field-list"}, items) : el("p", {text: "暂无可下载的楼栋（离线时只显示已下载的楼栋）。"}));
  }

  async function download(id) {
    try {
      const r = await fetch(`${API}/buildings/${id}/download`, {credentials: "same-origin"});
      if (!r.ok) throw new Error((await r.json()).detail || r.statusText);
      const data = await r.json();
      await put("downloads", {building_id: id, saved_at: Date.now(), ...(await seal(data))});
      await building(id);
    } catch (e) { alert(`下载失败：${e.message}`); }
  }

  async function queueOf(buildingId) {
    const rows = (await all("queue")).filter((q) => q.building_id === buildingId);
    return rows.sort((a, b) => a.created - b.created);
  }

  async function building(id) {
    const sealed = await get("downloads", id);
    const data = sealed && await open(sealed);
    if (!data) { await home(); return; }
    current = data;
    const queue = await queueOf(id);
    const count = (s) => queue.filter((q) => q.status === s || (s === "accepted" && q.status === "duplicate")).length;
    const waitingFor = new Set(queue.filter((q) => q.status === "waiting").map((q) => q.household_id));
    const rows = data.households.map((h) => {
      const votes = data.consultations.filter((c) => c.households.includes(h.id));
      return el("li", {"data-household": h.id},
        el("div", {class: "room", text: h.room_label}),
        el("div", {text: h.owners.map((p) => p.name).join("、") || "（无业主信息）"}),
        el("div", {}, el("span", {class: `badge ${h.visited ? "badge-ok" : "badge-wait"}`, text: h.visited ? "已走访" : "未走访"}),
           waitingFor.has(h.id) ? el("span", {class: "badge badge-wait ms-2", text: "有待上传记录"}) : null),
        el("div", {class: "field-actions"},
          el("button", {class: "btn btn-primary", type: "button", text: "走访", onclick: () => visitForm(h)}),
          votes.length ? el("button", {class: "btn btn-success", type: "button", text: "表决", onclick: () => ballotForm(h, votes)}) : null,
          el("button", {class: "btn btn-outline-secondary", type: "button", text: "建议", onclick: () => suggestionForm(h)})));
    });
    show(el("h1", {text: data.building.label}),
      el("div", {class: "field-summary", id: "summary"},
        el("span", {text: `待上传 ${count("waiting")}`}), el("span", {text: `已接收 ${count("accepted")}`}),
        el("span", {text: `被拒绝 ${count("refused")}`}), el("span", {text: `冲突 ${count("conflict")}`})),
      el("div", {class: "field-actions"},
        el("button", {class: "btn btn-warning", type: "button", id: "upload", text: "上传", onclick: () => upload(id)}),
        el("button", {class: "btn btn-outline-primary", type: "button", id: "queue", text: "记录队列", onclick: () => queueView(id)}),
        el("button", {class: "btn btn-outline-secondary", type: "button", text: "返回", onclick: home})),
      el("h2", {text: `住户（${data.households.length} 户）`}), el("ul", {class: "field-list"}, rows));
  }

  function radios(name, options, legend) {
    return el("fieldset", {class: "field-q"}, el("legend", {text: legend}),
      options.map(([value, label]) => el("label", {}, el("input", {type: "radio", name, value}), label)));
  }
  function photoInput(holder) {
    const preview = el("img", {class: "field-photo", alt: "照片预览", hidden: true});
    const input = el("input", {type: "file", accept: "image/*", capture: "environment", class: "form-control form-control-lg",
      name: "photo", onchange: async () => {
        if (!input.files.length) return;
        holder.photo = await downscale(input.files[0]);
        preview.src = holder.photo; preview.hidden = false;
      }});
    return el("div", {class: "mb-3"}, el("label", {class: "form-label", text: "拍照（可选）"}), input, preview);
  }
  function formPage(title, household, fields, collect, kind) {
    const holder = {};
    const error = el("p", {class: "field-reason", role: "alert"});
    const form = el("form", {onsubmit: async (e) => {
      e.preventDefault();
      const extra = collect(form, error);
      if (!extra) return;
      await enqueue({kind, household_id: household.id, room_label: household.room_label, ...extra}, holder.photo);
      await building(current.building.id);
    }}, fields, photoInput(holder), error,
      el("div", {class: "field-actions"}, el("button", {class: "btn btn-primary btn-lg", type: "submit", text: "保存到本机"}),
        el("button", {class: "btn btn-outline-secondary btn-lg", type: "button", text: "取消", onclick: () => building(current.building.id)})));
    show(el("h1", {text: `${title} · ${household.room_label}`}), form);
  }
  const value = (form, name) => (form.querySelector(`[name="${name}"]:checked`) || {}).value || "";

  function visitForm(h) {
    const answers = current.visit_answers.map((a) => [a.value, a.label]);
    formPage("入户走访", h, [
      ...current.visit_questions.map((q) => radios(q.key, answers, q.text)),
      el("label", {class: "form-label", text: "诉求与顾虑"}), el("textarea", {name: "concerns", class: "form-control mb-3", rows: 3}),
      el("label", {class: "form-label", text: "跟进措施"}), el("textarea", {name: "follow_up", class: "form-control mb-3", rows: 2}),
    ], (form) => ({
      answers: Object.fromEntries(current.visit_questions.map((q) => [q.key, value(form, q.key)])),
      concerns: form.concerns.value, follow_up: form.follow_up.value,
    }), "visit");
  }

  function question(q) {
    const name = `q${q.id}`;
    if (q.kind === "yes_no") return radios(name, [["yes", "同意"], ["no", "不同意"], ["abstain", "弃权"]], `${q.order}. ${q.text}`);
    if (q.kind === "single") return radios(name, q.choices.map((c) => [c, c]), `${q.order}. ${q.text}`);
    if (q.kind === "multiple" || q.kind === "election") {
      return el("fieldset", {class: "field-q"}, el("legend", {text: `${q.order}. ${q.text}`}),
        q.choices.map((c) => el("label", {}, el("input", {type: "checkbox", name, value: c}), c)));
    }
    return el("div", {class: "mb-3"}, el("label", {class: "form-label", text: `${q.order}. ${q.text}`}),
      el("input", {name, class: "form-control form-control-lg", inputmode: q.kind === "number" ? "decimal" : "text"}));
  }
  function ballotForm(h, votes) {
    const c = votes[0];
    formPage(`上门表决：${c.title}`, h, [
      ...c.questions.map(question),
      el("label", {class: "form-label", text: "签字人姓名（须为本户业主）"}),
      el("input", {name: "signer", class: "form-control form-control-lg mb-3", autocomplete: "off"}),
    ], (form, error) => {
      const signer = form.signer.value.trim();
      if (!h.owners.some((p) => p.name === signer)) {
        error.textContent = `签字人“${signer}”不是本户登记的业主，请核对。`;
        return null;
      }
      const answers = {};
      for (const q of c.questions) {
        const name = `q${q.id}`;
        if (q.kind === "multiple" || q.kind === "election") answers[q.id] = [...form.querySelectorAll(`[name="${name}"]:checked`)].map((i) => i.value);
        else if (q.kind === "yes_no" || q.kind === "single") answers[q.id] = value(form, name);
        else answers[q.id] = form.querySelector(`[name="${name}"]`).value;
      }
      return {consultation_id: c.id, consultation: c.title, answers, signer};
    }, "ballot");
  }

  function suggestionForm(h) {
    const categories = [["repair", "设施维修"], ["sanitation", "环境卫生"], ["elevator", "加装电梯"], ["parking", "停车"],
      ["safety", "安全隐患"], ["property", "物业服务"], ["renovation", "改造建议"], ["other", "其他"]];
    formPage("代居民建言", h, [
      el("label", {class: "form-label", text: "类别"}),
      el("select", {name: "category", class: "form-select form-select-lg mb-3"}, categories.map(([v, l]) => el("option", {value: v, text: l}))),
      el("label", {class: "form-label", text: "标题"}), el("input", {name: "title", class: "form-control form-control-lg mb-3", maxlength: 80}),
      el("label", {class: "form-label", text: "内容"}), el("textarea", {name: "body", class: "form-control mb-3", rows: 4}),
      el("label", {class: "form-label", text: "居民称呼（可选）"}), el("input", {name: "contact_name", class: "form-control form-control-lg mb-3", maxlength: 20}),
    ], (form, error) => {
      if (!form.title.value.trim() || !form.body.value.trim()) { error.textContent = "请填写标题和内容。"; return null; }
      return {category: form.category.value, title: form.title.value, body: form.body.value, contact_name: form.contact_name.value};
    }, "suggestion");
  }

  async function enqueue(record, photo) {
    const client_id = crypto.randomUUID();
    const full = {...record, client_id, taken_at: new Date().toISOString(), photo: photo || null};
    const sealed = await seal(full);
    await put("queue", {client_id, building_id: current.building.id, household_id: record.household_id, kind: record.kind,
      status: "waiting", photo_done: !photo, created: Date.now(), ...sealed});
  }

  async function queueView(id) {
    const rows = [];
    for (const q of (await queueOf(id)).reverse()) {
      const r = await open(q);
      const title = {visit: "入户走访", ballot: "上门表决", suggestion: "代居民建言"}[q.kind];
      rows.push(el("li", {"data-client-id": q.client_id, "data-kind": q.kind},
        el("div", {class: "room", text: r ? r.room_label : "（密钥已失效）"}),
        el("div", {}, `${title} · ${r ? new Date(r.taken_at).toLocaleString("zh-CN") : ""} `, badge(q.status),
           q.photo_done ? null : el("span", {class: "badge badge-wait ms-2", text: "照片待上传"})),
        q.reason ? el("p", {class: "field-reason", text: q.reason}) : null));
    }
    show(el("h1", {text: "记录队列"}),
      el("div", {class: "field-actions"},
        el("button", {class: "btn btn-warning", type: "button", text: "上传", onclick: async () => { await upload(id); await queueView(id); }}),
        el("button", {class: "btn btn-outline-secondary", type: "button", text: "返回", onclick: () => building(id)})),
      rows.length ? el("ul", {class: "field-list mt-3"}, rows) : el("p", {text: "本楼栋还没有记录。"}));
  }

  // ------------------------------------------------------------ sync
  let syncing = false;
  async function upload(buildingId) {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      const waiting = (await all("queue")).filter((q) => (buildingId === undefined || q.building_id === buildingId) && q.status === "waiting");
      const records = [];
      const photos = {};
      for (const q of waiting) {
        const r = await open(q);
        if (!r) continue;
        const bytes = r.photo ? dataUrlBytes(r.photo) : null;
        if (bytes) photos[q.client_id] = bytes;
        const {photo, room_label, consultation, ...send} = r;
        records.push({...send, photo_size: bytes ? bytes.length : 0});
      }
      for (let i = 0; i < records.length; i += 200) {
        const batch = records.slice(i, i + 200);
        const r = await fetch(`${API}/sync`, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
          body: JSON.stringify({device: await device(), records: batch})});
        if (r.status === 401 || r.status === 403) { alert("登录已过期：请重新登录后再上传，记录仍保存在本机。"); return; }
        if (!r.ok) throw new Error(r.statusText);
        for (const res of (await r.json()).results) {
          const q = await get("queue", res.client_id);
          if (!q) continue;
          q.status = res.outcome === "refused" ? "refused" : res.state === "conflict" ? "conflict" : "accepted";
          q.reason = res.outcome === "refused" ? res.reason_zh : res.state === "conflict" ? "本户已有网上或纸质表决，已转工作人员处理冲突。" : "";
          q.photo_done = q.photo_done || res.outcome === "refused" || res.photo_size === 0;
          q.photo_received = res.photo_received;
          await put("queue", q);
        }
      }
      for (const q of await all("queue")) if (!q.photo_done && q.status !== "waiting" && photos[q.client_id]) await sendPhoto(q, photos[q.client_id]);
    } catch (e) { /* the connection dropped: everything not answered stays waiting */ } finally { syncing = false; }
    if (current && buildingId !== undefined && app.querySelector("#summary")) await building(buildingId);
  }

  async function sendPhoto(q, bytes) {
    let offset = 0;
    const status = await fetch(`${API}/photos/${q.client_id}`, {credentials: "same-origin"});
    if (status.ok) offset = (await status.json()).received;
    while (offset < bytes.length) {
      const r = await fetch(`${API}/photos/${q.client_id}?offset=${offset}`, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/octet-stream", "X-CSRFToken": csrf()}, body: bytes.slice(offset, offset + CHUNK)});
      if (!r.ok && r.status !== 409) return;
      offset = r.ok ? (await r.json()).received : (await (await fetch(`${API}/photos/${q.client_id}`, {credentials: "same-origin"})).json()).received;
    }
    q.photo_done = true;
    await put("queue", q);
  }

  async function signOut() {
    for (const d of await all("downloads")) await del("downloads", d.building_id);
    const needed = new Set((await all("queue")).filter((q) => q.status === "waiting" || !q.photo_done).map((q) => q.key_id));
    for (const k of await all("keys")) if (!needed.has(k.key_id)) await del("keys", k.key_id);
    const form = el("form", {method: "post", action: body.dataset.logout}, el("input", {type: "hidden", name: "csrfmiddlewaretoken", value: csrf()}));
    document.body.append(form);
    form.submit();
  }

  // ------------------------------------------------------------ start
  async function start() {
    db = await openDb();
    setNet();
    window.addEventListener("online", () => { setNet(); upload(current ? current.building.id : undefined); });
    window.addEventListener("offline", setNet);
    document.getElementById("signout").addEventListener("click", signOut);
    await sessionKey();
    await expireDownloads();
    const last = await meta("building");
    if (last && await get("downloads", last)) await building(last); else await home();
    if ("serviceWorker" in navigator) {
      await navigator.serviceWorker.register(body.dataset.sw, {scope: body.dataset.home}).catch(() => {});
    }
    body.dataset.ready = "1";
  }
  const _building = building;
  building = async (id) => { await meta("building", id); return _building(id); };
  start();
})();
