// limes: the border guard's EES workstation, the overstayer list and the sign-in form.
//
// The pages hold no rule of their own: every answer comes from the JSON API under
// /api/v1/ (signed in by the HttpOnly session cookie). The desk is made for speed:
// the keyboard drives everything, and a complete machine-readable zone is checked
// as soon as it is scanned or pasted. Plain modern JavaScript, no build, no CDN.
"use strict";

(() => {
  const DAY_MS = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const SVG_NS = "http://www.w3.org/2000/svg";
  const LIMIT = 90;

  // ---------------------------------------------------------------- dates

  /** Days since 1970-01-01 of an ISO date (YYYY-MM-DD), in UTC. */
  const dayNumber = (iso) => {
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    return Date.UTC(y, m - 1, d) / DAY_MS;
  };
  const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  const isFullDate = (iso) => typeof iso === "string" && /^\d{4}-\d{2}-\d{2}/.test(iso);
  /** The one date format of the pages: "13 Dec 2014". */
  const formatDate = (iso) => {
    if (!isFullDate(iso)) return iso || "–";
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    return `${d} ${MONTHS[m - 1]} ${y}`;
  };
  /** An instant from the API ("2026-11-23T08:30:00Z") as "23 Nov 2026 08:30". */
  const formatInstant = (iso) => (iso ? `${formatDate(iso)} ${iso.slice(11, 16)}` : "–");
  const plural = (n, word = "day") => `${n} ${word}${n === 1 ? "" : "s"}`;
  const counted = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const yearsBetween = (fromIso, toIso) => {
    const [y1, m1, d1] = fromIso.split("-").map(Number);
    const [y2, m2, d2] = toIso.split("-").map(Number);
    return y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0);
  };

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  /** An element with attributes and children (strings become text nodes). */
  const h = (tag, attrs = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  };
  /** Replace a node's children, leaving out null, undefined and false. */
  const fill = (node, ...children) =>
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));

  /** A `<time>` element showing an ISO date in the pages' format. */
  const time = (iso, attrs = {}) => h("time", { datetime: iso ? iso.slice(0, 10) : null, ...attrs }, formatDate(iso));

  const s = (tag, attrs = {}, ...children) => {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) el.setAttribute(key, String(value));
    }
    el.append(...children.filter((c) => c !== null && c !== undefined));
    return el;
  };

  // ---------------------------------------------------------------- the API

  class NetworkError extends Error {}

  /**
   * Call the JSON API with the session cookie. Resolves to {status, ok, data};
   * rejects with NetworkError when no answer came. A 401 goes to the sign-in page.
   */
  const api = async (path, { method = "GET", body, headers = {}, loginUrl = null } = {}) => {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new NetworkError(String(error));
    }
    let data = null;
    const type = response.headers.get("content-type") || "";
    if (type.includes("json")) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
    if (response.status === 401 && loginUrl) window.location.assign(loginUrl);
    return { status: response.status, ok: response.ok, data };
  };

  /** A fresh random UUID, also outside a secure context (plain http on a LAN). */
  const uuid = () => {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  /** "mrz.document_number" -> "Document number"; "visa" -> "Visa". */
  const fieldLabel = (path) => {
    const last = String(path || "").split(".").pop().replace(/\[\d+\]/g, "");
    const words = last.replace(/_/g, " ").trim();
    return words ? words[0].toUpperCase() + words.slice(1) : "Request";
  };

  const problemOf = (response) => {
    const data = response && response.data && typeof response.data === "object" ? response.data : {};
    return {
      title: data.title || `Error ${response ? response.status : ""}`.trim(),
      detail: data.detail || "The server could not answer this request.",
      errors: Array.isArray(data.errors) ? data.errors : [],
      status: response ? response.status : 0,
      code: data.code || null,
    };
  };

  // ================================================================ the sign-in form

  const initLogin = (form) => {
    const problemBox = $("#login-problem");
    const user = $("#login-user");
    const password = $("#login-password");
    const submit = $("#login-submit");
    const target = form.dataset.next || "/start";
    const show = (text) => {
      fill(problemBox, h("strong", {}, "Not signed in. "), text);
      problemBox.hidden = false;
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!user.value.trim() || !password.value) {
        show("Give your user name and password.");
        (user.value.trim() ? password : user).focus();
        return;
      }
      submit.setAttribute("aria-busy", "true");
      submit.disabled = true;
      try {
        const response = await api(form.dataset.api, { method: "POST", body: { user: user.value.trim(), password: password.value } });
        if (response.ok) {
          window.location.assign(target);
          return;
        }
        const p = problemOf(response);
        show(p.detail);
        password.select();
        password.focus();
      } catch {
        show("No answer from the server; try again.");
      } finally {
        submit.removeAttribute("aria-busy");
        submit.disabled = false;
      }
    });
    form.dataset.ready = "true";
  };

  // ================================================================ the overstayer list

  const initOverstayers = async (root) => {
    const rows = $("#overstayers-rows");
    const count = $("#overstayers-count");
    const problemBox = $("#overstayers-problem");
    const loginUrl = root.dataset.login;
    try {
      const [clock, list] = await Promise.all([
        api(root.dataset.clock, { loginUrl }),
        api(root.dataset.api, { loginUrl }),
      ]);
      if (!list.ok) {
        const p = problemOf(list);
        fill(problemBox, h("strong", {}, p.title), h("p", {}, p.detail));
        problemBox.hidden = false;
        count.textContent = "–";
        return;
      }
      const today = clock.ok ? clock.data.now.slice(0, 10) : new Date().toISOString().slice(0, 10);
      $("#overstayers-date").textContent = `on ${formatDate(today)}`;
      count.textContent = plural(list.data.length, "overstayer");
      if (list.data.length === 0) {
        fill(rows, h("tr", {}, h("td", { colspan: 9, class: "empty" }, "No overstayer on the list.")));
      } else {
        fill(rows, ...list.data.map((o) => {
          const from = o.record.overstay_from || isoOf(dayNumber(o.record.authorised_stay_until) + 1);
          const days = Math.max(dayNumber(today) - dayNumber(from) + 1, 0);
          return h("tr", { "data-testid": "overstayer" },
            h("td", {}, h("strong", {}, o.surname || "–"), o.given_names ? `, ${o.given_names}` : ""),
            h("td", {}, o.date_of_birth ? time(o.date_of_birth) : "–"),
            h("td", {}, o.nationalities.join(", ") || "–"),
            h("td", { class: "mono" }, o.documents.join("; ") || "–"),
            h("td", {}, formatInstant(o.record.entry_at)),
            h("td", {}, o.record.entry_crossing_point),
            h("td", {}, time(o.record.authorised_stay_until)),
            h("td", {}, h("span", { class: "chip chip-bad" }, `${plural(days)} since `, time(from))),
            h("td", { class: "mono small" },
              h("a", { href: `/ees/files/${encodeURIComponent(o.file_id)}`, "data-testid": "overstayer-file" }, o.record.record_id)));
        }));
      }
    } catch {
      fill(problemBox, h("strong", {}, "No answer from the server."), h("p", {}, "Reload the page to try again."));
      problemBox.hidden = false;
    }
    root.dataset.ready = "true";
  };

  // ================================================================ the desk

  const initDesk = (desk) => {
    const loginUrl = desk.dataset.login;
    const mayRecord = desk.dataset.mayRecord === "true";
    const call = (path, options = {}) => api(path, { ...options, loginUrl });
    const STORAGE_KEY = `limes.desk.crossingPoint.${desk.dataset.user}`;

    const el = {
      cp: $("#cp"), cpState: $("#cp-state"), cpError: $("#cp-error"),
      clockDate: $("#clock-date"), clockDemo: $("#clock-demo"), clockForm: $("#clock-form"), clockDays: $("#clock-days"),
      fallbackChip: $("#fallback-chip"), fallbackBanner: $("#fallback-banner"), fallbackCount: $("#fallback-count"),
      fallbackReplay: $("#fallback-replay"), suspension: $("#suspension-banner"),
      mrz: $("#mrz"), mrzShape: $("#mrz-shape"), mrzError: $("#mrz-error"),
      visaPanel: $("#visa-panel"), visaSticker: $("#visa-sticker"), visaFrom: $("#visa-from"), visaUntil: $("#visa-until"),
      visaDuration: $("#visa-duration"), visaEntries: $("#visa-entries"), visaLtv: $("#visa-ltv"),
      stampsPanel: $("#stamps-panel"), stampsRows: $("#stamps-rows"), stampsAdd: $("#stamps-add"),
      statusPanel: $("#status-panel"), familyMember: $("#family-member"),
      residenceDocument: $("#residence-document"), visaExemption: $("#visa-exemption"),
      check: $("#check"), clear: $("#clear"), problem: $("#problem"),
      recordEntry: $("#record-entry"), recordExit: $("#record-exit"), recordRefusal: $("#record-refusal"),
      outcome: $("#outcome"), empty: $("#result-empty"), result: $("#result"),
      traveller: $("#traveller"), verdict: $("#verdict"), verification: $("#verification"), warnings: $("#warnings"),
      timeline: $("#timeline"), history: $("#history"), identity: $("#identity"),
      dialog: $("#refusal-dialog"), refusalForm: $("#refusal-form"), refusalError: $("#refusal-error"),
    };

    const state = {
      direction: "entry",
      points: [],
      point: null,
      today: new Date().toISOString().slice(0, 10),
      check: null,
      checkedSig: null,
      checkedAt: 0,
      checkSeq: 0,
      invalidMrz: null, // the MRZ (lines joined by \n) the server last refused as invalid
      busy: false,
      recorded: false,
      retry: null, // {sig, key}: the Idempotency-Key of an action that got no answer
      recent: [], // what this desk recorded in this browser session, newest first
      identityDecision: null, // the guard's answer to candidate files or a failed verification
    };
    const RECENT_KEY = "limes.desk.recent";

    // ------------------------------------------------------------ crossing point

    const recordable = (cp) => Boolean(cp && cp.ees_active && cp.suspension !== "full");

    const chip = (cls, text, attrs = {}) => h("span", { class: `chip ${cls}`, ...attrs }, text);

    const renderPoint = () => {
      const cp = state.point;
      fill(el.cpState);
      el.suspension.hidden = true;
      updateActions();
      $("#cp-kind").textContent = cp ? `· ${cp.border_type} · ${cp.country}` : "";
      if (!cp) return;
      const chips = [];
      if (!cp.ees_active) chips.push(chip("chip-bad", "EES not active", { "data-testid": "cp-ees" }));
      else if (cp.suspension === "full") chips.push(chip("chip-bad", "EES suspended", { "data-testid": "cp-ees" }));
      else chips.push(chip("chip-ok", "EES active", { "data-testid": "cp-ees" }));
      if (cp.ees_active && cp.suspension === "none") {
        chips.push(cp.biometrics_required
          ? chip("chip-ok", "Biometrics required", { "data-testid": "cp-biometrics" })
          : chip("chip-warn", "Biometrics optional", { "data-testid": "cp-biometrics", title: "Progressive start (Reg. (EU) 2025/1534): files may be created without biometrics and completed later" }));
      }
      const reason = cp.suspension_reason ? `: ${cp.suspension_reason}` : "";
      if (cp.suspension === "partial") chips.push(chip("chip-warn", `Partial suspension${reason}`, { "data-testid": "cp-suspension" }));
      else if (cp.suspension === "full") chips.push(chip("chip-bad", `Full suspension${reason}`, { "data-testid": "cp-suspension" }));
      fill(el.cpState, ...chips);
      if (!recordable(cp)) {
        const why = cp.ees_active ? "The EES is fully suspended" : "The EES is not active";
        el.suspension.className = "banner banner-suspended";
        fill(el.suspension,
          h("strong", {}, `${why} at ${cp.code} (${cp.name})${reason}.`),
          h("span", {}, "Recording is disabled: stamp the passport (Reg. (EU) 2025/1534 Art 5). Checks still run."));
        el.suspension.hidden = false;
      } else if (cp.suspension === "partial") {
        el.suspension.className = "banner banner-partial";
        fill(el.suspension,
          h("strong", {}, `Partial suspension at ${cp.code}${reason}.`),
          h("span", {}, "Register without biometrics; the file is completed later. Stamp the passport as well."));
        el.suspension.hidden = false;
      }
    };

    const selectPoint = (code) => {
      state.point = state.points.find((p) => p.code === code) || null;
      if (state.point) {
        try {
          window.localStorage.setItem(STORAGE_KEY, state.point.code);
        } catch {
          /* storage may be disabled: the choice then lasts for the page */
        }
      }
      el.cpError.hidden = true;
      renderPoint();
    };

    const loadPoints = async () => {
      const response = await call("/api/v1/ees/crossing-points");
      if (!response.ok) {
        fill(el.cp, h("option", { value: "" }, "Unavailable"));
        return;
      }
      state.points = response.data;
      if (state.points.length === 0) {
        fill(el.cp, h("option", { value: "" }, "None configured"));
        el.cpError.textContent = "No crossing point is configured: an administrator adds them (PUT /api/v1/ees/crossing-points/{code}).";
        el.cpError.hidden = false;
        return;
      }
      fill(el.cp, ...state.points.map((p) =>
        h("option", { value: p.code }, `${p.code} · ${p.name}`)));
      // The desk starts at the crossing point this user last chose in this browser, else
      // at the guard's own post, else at the first. (A choice is kept per user: another
      // guard signing in at the same workstation starts at their own post.)
      let stored = null;
      try {
        stored = window.localStorage.getItem(STORAGE_KEY);
      } catch {
        stored = null;
      }
      const known = (code) => Boolean(code) && state.points.some((p) => p.code === code);
      const post = desk.dataset.post;
      const chosen = known(stored) ? stored : known(post) ? post : state.points[0].code;
      el.cp.value = chosen;
      selectPoint(chosen);
    };

    // ------------------------------------------------------------ clock and fall-back

    const renderClock = (clock) => {
      const iso = clock.now.slice(0, 10);
      state.today = iso;
      const weekday = WEEKDAYS[new Date(dayNumber(iso) * DAY_MS).getUTCDay()];
      el.clockDate.setAttribute("datetime", clock.now);
      fill(el.clockDate, `${weekday} ${formatDate(iso)} `, h("small", {}, `${clock.now.slice(11, 16)} UTC`));
      el.clockDemo.hidden = !clock.movable;
      el.clockForm.hidden = !clock.movable;
      renderRecent();
    };

    const loadClock = async () => {
      const response = await call("/api/v1/admin/clock");
      if (response.ok) renderClock(response.data);
    };

    const renderFallback = (data) => {
      const pending = data.pending || 0;
      const failed = (data.failed || []).length;
      el.fallbackCount.textContent = String(pending);
      el.fallbackBanner.hidden = pending === 0;
      if (pending > 0) {
        el.fallbackChip.className = "chip chip-bad";
        el.fallbackChip.textContent = `fall-back: ${pending} queued`;
      } else if (failed > 0) {
        el.fallbackChip.className = "chip chip-warn";
        el.fallbackChip.textContent = `${plural(failed, "upload")} refused`;
      } else {
        el.fallbackChip.className = "chip chip-ok";
        el.fallbackChip.textContent = "online";
      }
    };

    const loadFallback = async () => {
      try {
        const response = await call("/api/v1/ees/fallback");
        if (response.ok) renderFallback(response.data);
      } catch {
        el.fallbackChip.className = "chip chip-bad";
        el.fallbackChip.textContent = "no answer";
      }
    };

    // ------------------------------------------------------------ the MRZ

    const mrzLines = () => el.mrz.value.toUpperCase().split(/\r\n|\r|\n/).map((l) => l.replace(/\s+/g, "")).filter(Boolean);
    /** The layout of complete MRZ lines, or null. */
    const mrzLayout = (lines) => {
      if (lines.length === 2 && lines.every((l) => l.length === 44)) return "2 × 44";
      if (lines.length === 2 && lines.every((l) => l.length === 36)) return "2 × 36";
      if (lines.length === 3 && lines.every((l) => l.length === 30)) return "3 × 30";
      return null;
    };
    /** Whether a scanner is still typing: full lines so far, fewer than the layout needs. */
    const expectsMoreLines = (lines) => {
      if (lines.length === 1) return [30, 36, 44].includes(lines[0].length);
      if (lines.length === 2) return lines.every((l) => l.length === 30);
      return false;
    };
    const renderShape = () => {
      const lines = mrzLines();
      const layout = mrzLayout(lines);
      if (lines.length === 0) el.mrzShape.textContent = "";
      else if (layout) el.mrzShape.textContent = `${layout} ✓`;
      else el.mrzShape.textContent = lines.map((l) => l.length).join(" + ") + " characters";
      el.mrzShape.classList.toggle("complete", Boolean(layout));
    };

    // ------------------------------------------------------------ requests

    const visaBody = () => {
      const filled = [el.visaSticker, el.visaFrom, el.visaUntil, el.visaDuration].some((i) => i.value.trim() !== "");
      if (!filled) return null;
      const visa = {};
      if (el.visaSticker.value.trim()) visa.sticker_number = el.visaSticker.value.trim().toUpperCase();
      if (el.visaFrom.value) visa.valid_from = el.visaFrom.value;
      if (el.visaUntil.value) visa.valid_until = el.visaUntil.value;
      if (el.visaDuration.value.trim()) visa.duration_days = Number(el.visaDuration.value);
      visa.entries = el.visaEntries.value;
      if (el.visaLtv.checked) visa.limited_territorial_validity = true;
      return visa;
    };

    // Stays shown only by stamps (EES Art 22): one row per stay, its fields addressed as
    // the API addresses them (stamped_stays[i].entry_date), so errors land in the row.
    const STAMP_FIELDS = [
      ["entry_date", "Entry stamp", "date"],
      ["entry_crossing_point", "at crossing point", "text"],
      ["exit_date", "Exit stamp", "date"],
      ["exit_crossing_point", "at crossing point", "text"],
    ];
    const stampRows = () => $$(".stamp-row", el.stampsRows);
    const renumberStamps = () => {
      stampRows().forEach((row, i) => {
        row.querySelector("[data-error-path]").dataset.errorPath = `stamped_stays[${i}]`;
        for (const input of $$("[data-field]", row)) input.dataset.path = `stamped_stays[${i}].${input.dataset.field}`;
      });
    };
    const addStampRow = () => {
      const n = stampRows().length;
      const inputs = STAMP_FIELDS.map(([name, label, type]) => {
        const id = `stamp-${n}-${name}-${Date.now()}`;
        const input = h("input", {
          id, type, "data-field": name, "data-testid": `stamp-${name.replace(/_/g, "-")}`,
          ...(type === "text" ? { maxlength: 32, placeholder: "DEU-FRA", spellcheck: "false", autocomplete: "off", autocapitalize: "characters" } : { max: state.today }),
        });
        return h("div", {}, h("label", { for: id }, label), input);
      });
      const onVisa = h("input", { type: "checkbox", "data-field": "on_visa", "data-testid": "stamp-on-visa" });
      const remove = h("button", { type: "button", class: "secondary outline", "data-testid": "stamp-remove", "aria-label": "Remove this stamped stay", title: "Remove this stamped stay" }, "×");
      const row = h("li", { class: "stamp-row", "data-testid": "stamp-row" },
        inputs, remove,
        h("label", { class: "f-on-visa" }, onVisa, "Entered on the visa shown now (uses one of its entries)"),
        h("small", { class: "field-error", "data-error-path": "", hidden: true }));
      remove.addEventListener("click", () => {
        row.remove();
        renumberStamps();
        el.stampsAdd.focus();
      });
      for (const input of $$("input", row)) {
        input.addEventListener("keydown", (event) => {
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            runCheck({ force: true });
          }
        });
        input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
      }
      el.stampsRows.append(row);
      renumberStamps();
      el.stampsPanel.open = true;
      row.querySelector("input").focus();
    };
    const stampedBody = () => stampRows()
      .map((row) => {
        const stay = {};
        for (const input of $$('input[data-field]:not([type="checkbox"])', row)) stay[input.dataset.field] = input.value.trim().toUpperCase();
        if (Object.values(stay).every((v) => v === "")) return null;
        stay.on_visa = row.querySelector('[data-field="on_visa"]').checked;
        return stay;
      })
      .filter(Boolean);

    const crossingBody = () => {
      const body = { mrz: mrzLines().join("\n"), crossing_point: state.point ? state.point.code : "", capture: { synthetic: true } };
      const fingerprints = $('input[name="fingerprints"]:checked').value;
      if (fingerprints) body.capture.fingerprint_status = fingerprints;
      const visa = visaBody();
      if (visa) body.visa = visa;
      const stamped = stampedBody();
      if (stamped.length) body.stamped_stays = stamped;
      // What the guard states about the traveller (EES Art 2; Reg. (EU) 2018/1806 Art 4, 6).
      if (el.familyMember.checked) body.family_member = true;
      if (el.residenceDocument.value) body.residence_document = el.residenceDocument.value;
      if (el.visaExemption.value) body.visa_exemption = el.visaExemption.value;
      if (state.identityDecision) body.identity_decision = state.identityDecision;
      return body;
    };

    // ------------------------------------------------------------ errors

    const clearErrors = () => {
      el.problem.hidden = true;
      fill(el.problem);
      for (const box of $$(".field-error[data-error-path]", desk)) {
        box.hidden = true;
        fill(box);
      }
      for (const input of $$('[aria-invalid="true"]', desk)) input.removeAttribute("aria-invalid");
    };

    const mrzFieldLabel = (path) => (path === "mrz" ? "Machine-readable zone" : fieldLabel(path));

    /** The box an error is shown in: the field's own, else its group's. */
    const errorBoxFor = (path) => {
      // The field's box, else the nearest enclosing one: stamped_stays[0].exit_date -> the row's.
      for (let p = path; p;) {
        const box = $(`.field-error[data-error-path="${CSS.escape(p)}"]`, desk);
        if (box) return box;
        const shorter = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
        if (shorter === p) break;
        p = shorter;
      }
      return null;
    };

    const showProblem = (p) => {
      const unplaced = [];
      for (const error of p.errors) {
        const path = error.field || "";
        const box = path ? errorBoxFor(path) : null;
        if (!box) {
          unplaced.push(error);
          continue;
        }
        const exact = box.dataset.errorPath === path;
        const text = exact && !path.startsWith("mrz") ? error.reason : `${mrzFieldLabel(path)}: ${error.reason}`;
        if (!box.querySelector("ul")) fill(box, h("ul"));
        box.querySelector("ul").append(h("li", { "data-field": path }, text));
        box.hidden = false;
        const input = $(`[data-path="${CSS.escape(path)}"]`, desk) || $(`[data-path="${CSS.escape(path.split(".")[0])}"]`, desk);
        if (input) input.setAttribute("aria-invalid", "true");
        if (path.startsWith("visa.") || path === "visa") el.visaPanel.open = true;
        if (path.startsWith("stamped_stays")) el.stampsPanel.open = true;
        if (path === "residence_document") el.statusPanel.open = true;
      }
      fill(el.problem,
        h("strong", { "data-testid": "problem-title" }, p.title),
        h("p", { "data-testid": "problem-detail" }, p.detail),
        unplaced.length ? h("ul", {}, unplaced.map((e) => h("li", {}, `${e.field ? `${fieldLabel(e.field)}: ` : ""}${e.reason}`))) : null);
      el.problem.hidden = false;
    };

    // ------------------------------------------------------------ the result

    const EMPTY = Array.from(el.empty.childNodes, (n) => n.cloneNode(true));
    const resetResult = (failed = false) => {
      fill(el.empty, failed
        ? [h("p", {}, h("strong", {}, "No result.")), h("p", {}, "Correct what the panel on the left lists, or scan the document again.")]
        : EMPTY.map((n) => n.cloneNode(true)));
      state.check = null;
      if (!failed) state.checkedSig = null;
      el.result.hidden = true;
      el.empty.hidden = false;
      fill(el.traveller);
      fill(el.verdict);
      fill(el.verification);
      fill(el.warnings);
      fill(el.identity);
      el.identity.hidden = true;
      fill(el.timeline);
      fill(el.history);
    };

    /** EES Art 2: a traveller the EES does not register; nothing can be recorded. */
    const showNotInScope = (p) => {
      fill(el.empty,
        h("p", { class: "not-in-scope", "data-testid": "not-in-scope" }, h("strong", {}, `${p.title}.`)),
        h("p", { "data-testid": "not-in-scope-detail" }, p.detail));
    };

    const KIND = { visa_exempt: "visa exempt", visa_holder: "visa holder" };
    const FINGERS = {
      captured: "fingerprints captured",
      not_required: "fingerprints not required",
      not_applicable: "fingerprints not applicable",
      temporarily_impossible: "fingerprints temporarily impossible",
      not_captured: "fingerprints not captured",
    };

    const renderTraveller = (check) => {
      const t = check.traveller;
      const f = check.file;
      const dob = t.birth_date;
      const age = isFullDate(dob) ? yearsBetween(dob.slice(0, 10), state.today) : null;
      const item = (label, value, attrs = {}) => h("div", { class: "kv" }, h("dt", {}, label), h("dd", attrs, value));
      const fileLine = f
        ? h("p", { class: "file-status file-exists", "data-testid": "file-status" },
          h("span", { class: "chip chip-ok" }, "File exists"), " ",
          h("span", { class: "mono" }, f.file_id), ` · ${KIND[f.kind] || f.kind} · ${FINGERS[f.fingerprint_status] || f.fingerprint_status}`,
          f.completeness === "complete" ? "" : h("span", { class: "chip chip-warn" }, "biometrics pending"),
          h("small", {}, ` · since ${formatDate(f.created_at)}`))
        : h("p", { class: "file-status file-new", "data-testid": "file-status" },
          h("span", { class: "chip chip-info" }, "No file yet"), " ",
          check.direction === "entry" ? "an individual file will be created when the entry is recorded (Art 14)" : "no EES file for this document");
      fill(el.traveller,
        h("p", { class: "tr-name", "data-testid": "traveller-name" },
          h("span", { class: "surname" }, t.surname || "–"), t.given_names ? h("span", { class: "given" }, t.given_names) : null),
        h("dl", { class: "tr-grid" },
          item("Nationality", t.nationality || "–", { "data-testid": "traveller-nationality" }),
          item("Date of birth", h("span", {}, isFullDate(dob) ? time(dob) : dob || "–", age !== null ? h("small", {}, ` (${age})`) : null), { "data-testid": "traveller-dob" }),
          item("Sex", t.sex || "–"),
          item("Document", h("span", { class: "mono" }, `${t.document_code || ""} ${t.issuing_state || ""} ${t.document_number || ""}`.trim()), { "data-testid": "traveller-document" }),
          item("Expiry", h("span", { class: t.expired ? "bad" : null }, time(t.expiry_date), t.expired ? " EXPIRED" : ""), { "data-testid": "traveller-expiry" })),
        fileLine);
    };

    const figure = (label, value, note, testid) =>
      h("div", { class: "vfig" }, h("span", { class: "vfig-label" }, label), h("span", { class: "vfig-value", "data-testid": testid }, value), note ? h("span", { class: "vfig-note" }, note) : null);

    const renderVerdict = (check) => {
      const a = check.assessment;
      const vr = check.visa_requirement;
      const openEntry = check.entries.find((e) => !e.exit_at);
      const familyExit = check.direction === "exit" && openEntry && openEntry.family_member;
      if ((check.scope && check.scope.reason === "family_member") || familyExit) {
        // EES Art 2(1)(b): registered, but Art 11 (calculator) and Art 12 (overstay) do not apply.
        el.verdict.className = "verdict tone-ok";
        el.verdict.dataset.tone = "ok";
        fill(el.verdict,
          h("p", { class: "v-kicker" }, "Family member of a Union citizen · EES Art 2(1)(b)"),
          h("p", { class: "v-lead", "data-testid": "verdict-family-member" }, check.direction === "entry" ? "Entry: no 90/180-day limit" : "Exit: no overstay check"),
          h("p", { class: "v-explanation", "data-testid": "verdict-explanation" },
            "Registered in the EES, but the calculator (Art 11) and the overstay flag (Art 12) do not apply; the records are kept one year (Art 34(4))."));
        return;
      }
      let tone = "ok";
      let lead;
      const figures = [];
      const visaMissing = check.direction === "entry" && vr && vr.visa_missing;
      if (check.direction === "entry") {
        if (visaMissing) {
          // Reg. (EU) 2018/1806 Art 3(1): the nationality requires a visa and none was given.
          tone = "refused";
          lead = h("p", { class: "v-lead", "data-testid": "verdict-visa-missing" }, "Visa required: none presented");
        } else if (a && a.authorised_until) {
          lead = h("p", { class: "v-lead" }, "Entry: up to ", h("b", { "data-testid": "verdict-max-stay" }, String(a.max_stay_days)), ` ${a.max_stay_days === 1 ? "day" : "days"}`);
          figures.push(figure("Authorised stay until", time(a.authorised_until), null, "verdict-until"));
        } else {
          tone = "refused";
          lead = h("p", { class: "v-lead" }, "No stay possible");
          if (a && a.next_entry) {
            figures.push(figure("Next possible entry", time(a.next_entry.date), `for ${plural(a.next_entry.days)}`, "verdict-next-entry"));
          }
        }
        if (a) figures.unshift(figure("Days used", h("span", {}, String(a.days_used), h("small", {}, ` / ${LIMIT}`)), h("span", {}, time(a.window.from), " – ", time(a.window.to)), "verdict-days-used"));
      } else if (!a) {
        tone = "refused";
        lead = h("p", { class: "v-lead" }, "No entry on record");
      } else if (a.overstay_days > 0) {
        tone = "overstay";
        lead = h("p", { class: "v-lead" }, "Overstay: ", h("b", { "data-testid": "verdict-overstay" }, String(a.overstay_days)), ` ${a.overstay_days === 1 ? "day" : "days"}`);
        figures.push(figure("Authorised stay ended", time(a.authorised_until), null, "verdict-until"));
        figures.unshift(figure("Days used", h("span", {}, String(a.days_used), h("small", {}, ` / ${LIMIT}`)), h("span", {}, time(a.window.from), " – ", time(a.window.to)), "verdict-days-used"));
      } else {
        lead = h("p", { class: "v-lead" }, "Exit: no overstay");
        if (a.authorised_until) figures.push(figure("Authorised stay until", time(a.authorised_until), null, "verdict-until"));
        figures.unshift(figure("Days used", h("span", {}, String(a.days_used), h("small", {}, ` / ${LIMIT}`)), h("span", {}, time(a.window.from), " – ", time(a.window.to)), "verdict-days-used"));
      }
      if (check.direction === "entry" && a && a.earlier_overstays) figures.push(figure("Earlier overstays", String(a.earlier_overstays), null, "verdict-earlier-overstays"));
      el.verdict.className = `verdict tone-${tone}`;
      el.verdict.dataset.tone = tone;
      fill(el.verdict,
        h("p", { class: "v-kicker" }, check.direction === "entry" ? "Calculator at entry · Art 11(1)" : "Calculator at exit · Art 11(3)"),
        lead,
        figures.length ? h("div", { class: "v-figures" }, figures) : null,
        h("p", { class: "v-explanation", "data-testid": "verdict-explanation" },
          visaMissing ? vr.note : a ? a.explanation : "No entry without an exit is on record for this document: an exit needs an entry (or the date of the entry stamp, Art 22)."));
    };

    const renderVerification = (check) => {
      const v = check.verification;
      let badge;
      let text;
      if (!v) {
        badge = chip("chip-muted", "not performed");
        text = check.file ? "No biometrics on file to compare with." : "No file yet: the captured biometrics will be enrolled.";
      } else if (v.matched === true) {
        badge = chip("chip-ok", "MATCH");
        text = v.explanation;
      } else if (v.matched === false) {
        badge = chip("chip-bad", "NO MATCH");
        text = v.explanation;
      } else {
        badge = chip("chip-warn", "inconclusive");
        text = v.explanation;
      }
      const [summary, ...rest] = String(text).split("; ");
      fill(el.verification,
        h("span", { class: "ver-label" }, "1:1 verification"), " ", badge, " ",
        h("span", { class: "ver-text", "data-testid": "verification-text" }, summary),
        rest.length ? h("details", { class: "ver-more" }, h("summary", {}, "scores"), h("ul", {}, rest.map((r) => h("li", {}, r)))) : null);
    };

    const renderWarnings = (check) => {
      fill(el.warnings, ...check.warnings.map((w) => h("li", {}, w)));
      el.warnings.hidden = check.warnings.length === 0;
    };

    // EES Art 23(2)-(4), 27: a file found otherwise than by the document is the traveller's
    // only once the guard confirms it; a failed 1:1 verification stops the record until the
    // guard has checked the identity by other means. Nothing is recorded until they decide.
    const act = (attrs, text, handler) => {
      const button = h("button", { type: "button", ...attrs }, text);
      button.addEventListener("click", handler);
      return button;
    };
    const decide = (decision) => {
      state.identityDecision = decision;
      state.recorded = false;
      runCheck({ force: true });
    };
    const reasonField = (testid, label) => {
      const input = h("input", { type: "text", maxlength: "2000", autocomplete: "off", "data-testid": testid, "aria-label": label, placeholder: label });
      const error = h("small", { class: "field-error", "data-testid": `${testid}-error`, hidden: true }, "Say how the identity was established.");
      return { input, error, value: () => input.value.trim() };
    };
    const withReason = (field, decision) => () => {
      if (!field.value()) {
        field.error.hidden = false;
        field.input.setAttribute("aria-invalid", "true");
        field.input.focus();
        return;
      }
      decide({ ...decision, reason: field.value() });
    };
    const candidateItem = (c, confirmable) => h("li", { class: "candidate", "data-testid": "candidate" },
      h("div", { class: "candidate-who" },
        h("strong", { "data-testid": "candidate-name" }, [c.surname, c.given_names].filter(Boolean).join(", ")),
        c.date_of_birth ? h("span", {}, ` · born ${c.date_of_birth}`) : null,
        c.sex ? h("span", {}, ` · ${c.sex}`) : null,
        c.nationalities.length ? h("span", {}, ` · ${c.nationalities.join(", ")}`) : null),
      h("div", { class: "candidate-docs" }, "Documents: ", h("span", { class: "mono", "data-testid": "candidate-documents" }, c.documents.join("; ") || "–"),
        " · file ", h("span", { class: "mono", "data-testid": "candidate-file" }, c.file_id)),
      h("div", { class: "candidate-basis" }, ...c.basis.map((b) => chip(b === "biometrics" ? "chip-ok" : "chip-info", b === "biometrics" ? "biometrics match" : "identity data alike"))),
      h("details", { class: "candidate-reasons" }, h("summary", {}, "why"), h("ul", {}, c.reasons.map((r) => h("li", {}, r)))),
      confirmable
        ? act({ "data-testid": "confirm-candidate" }, "Same person: use this file", () => decide({ confirmed_file_id: c.file_id }))
        : null);
    const renderIdentity = (check) => {
      const decision = state.identityDecision;
      const candidates = check.candidates || [];
      const failed = Boolean(check.verification && check.verification.matched === false);
      const undo = act({ class: "secondary outline", "data-testid": "identity-undo" }, "Undo", () => decide(null));
      let content = null;
      if (check.adds_document && decision && decision.confirmed_file_id) {
        content = [h("p", { class: "identity-settled", "data-testid": "identity-settled" },
          h("strong", {}, "Confirmed: "), `file ${decision.confirmed_file_id} is this traveller's. This passport is added to it and the stay counts over its whole history (EES Art 23). `, undo)];
      } else if (decision && decision.different_person && candidates.length) {
        content = [h("p", { class: "identity-settled", "data-testid": "identity-settled" },
          h("strong", {}, "Stated: a different person. "), `A new file is created; your reason is logged: “${decision.reason}”. `, undo)];
      } else if (decision && decision.identity_confirmed_manually && failed) {
        content = [h("p", { class: "identity-settled", "data-testid": "identity-settled" },
          h("strong", {}, "Identity confirmed by a manual check. "), `Your reason is logged: “${decision.reason}”. `, undo)];
      } else if (candidates.length && !check.file) {
        const field = reasonField("identity-reason", "Why a different person (logged)");
        content = [
          h("h3", { "data-testid": "identity-title" }, `Possible existing file${candidates.length > 1 ? "s" : ""} (EES Art 23, 27)`),
          h("p", {}, "This passport is in no file, but the traveller may already have one. Compare, then confirm the traveller's file, or state that this is a different person. Nothing is recorded until you decide."),
          h("ol", { class: "candidates" }, candidates.map((c) => candidateItem(c, true))),
          h("div", { class: "identity-other" }, field.input,
            act({ class: "secondary", "data-testid": "different-person" }, "A different person: new file", withReason(field, { different_person: true })),
            field.error),
        ];
      } else if (failed) {
        const field = reasonField("manual-check-reason", "How the identity was checked (logged)");
        content = [
          h("h3", { "data-testid": "identity-title" }, "Verification failed (EES Art 23(2))"),
          h("p", {}, "The traveller does not match the biometrics of the file. Check the identity by other means, then confirm it, saying how; or refuse entry (F10). Nothing is recorded until you decide."),
          candidates.length ? h("p", {}, h("strong", {}, "The biometrics match another file (1:N, Art 27):")) : null,
          candidates.length ? h("ol", { class: "candidates" }, candidates.map((c) => candidateItem(c, false))) : null,
          h("div", { class: "identity-other" }, field.input,
            act({ class: "secondary", "data-testid": "confirm-identity-manually" }, "Identity confirmed by a manual check", withReason(field, { identity_confirmed_manually: true })),
            field.error),
        ];
      }
      fill(el.identity, ...(content || []));
      el.identity.hidden = content === null;
      el.identity.classList.toggle("identity-open", content !== null && !$(".identity-settled", el.identity));
    };

    const renderHistory = (check) => {
      const rows = [];
      for (const e of check.entries) {
        // A stamp shows the day only: no time of crossing is known.
        const when = (instant) => (e.source === "stamp" ? formatDate(instant) : formatInstant(instant));
        let status;
        if (e.rebuttal) status = chip("chip-muted", "overstay rebutted");
        else if (e.overstay_from) status = chip("chip-bad", `overstay from ${formatDate(e.overstay_from)}`);
        else if (!e.exit_at) status = chip("chip-info", "in the territory");
        else status = chip("chip-muted", "closed");
        const source = e.source !== "ees" ? chip("chip-warn", e.source === "stamp" ? "from stamp" : "fall-back") : null;
        // EES Art 21: a fall-back crossing the central checks objected to, and an exit kept locally.
        const review = e.review_reason ? chip("chip-bad", "to review", { "data-testid": "review-chip", title: e.review_reason }) : null;
        const exitSource = e.exit_source === "fallback" ? chip("chip-warn", "exit: fall-back", { "data-testid": "exit-fallback-chip" }) : null;
        // Stamps of an EES stay: the precedence rules decide which dates count (Reg. (EU) 2025/1534 Art 5(3)).
        const stamps = e.source !== "stamp" && (e.entry_stamp || e.exit_stamp)
          ? h("small", { class: "stamps", "data-testid": "history-stamps" }, ` · stamps ${formatDate(e.entry_stamp)} – ${formatDate(e.exit_stamp)}`)
          : null;
        rows.push([e.entry_at, h("tr", { "data-testid": "history-entry" },
          h("td", {}, when(e.entry_at), h("small", {}, ` · ${e.entry_crossing_point}`)),
          h("td", {}, e.exit_at ? [when(e.exit_at), h("small", {}, ` · ${e.exit_crossing_point}`)] : "–"),
          h("td", {}, e.family_member
            // EES Art 2(1)(b), 11: no authorised stay is computed for a family member.
            ? chip("chip-info", "family member: no limit")
            : time(e.authorised_stay_until), e.visa_sticker_number ? h("small", {}, ` · visa ${e.visa_sticker_number}`) : null),
          h("td", {}, status, source ? " " : null, source, review ? " " : null, review, exitSource ? " " : null, exitSource, stamps),
          h("td", { class: "mono small" }, e.record_id))]);
      }
      for (const r of check.refusals) {
        rows.push([r.refused_at, h("tr", { "data-testid": "history-refusal", class: "row-refusal" },
          h("td", {}, formatInstant(r.refused_at), h("small", {}, ` · ${r.crossing_point}`)),
          h("td", { colspan: 2 }, h("strong", {}, "Refused entry"), ` · Annex V Part B: ${r.reasons.join(", ")}`),
          h("td", {}, chip("chip-bad", `refusal ${r.reasons.join("")}`)),
          h("td", { class: "mono small" }, r.record_id))]);
      }
      rows.sort((x, y) => (x[0] < y[0] ? 1 : -1));
      fill(el.history, ...(rows.length ? rows.map((r) => r[1]) : [h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No entry, exit or refusal on record."))]));
    };

    const renderCheck = (check) => {
      state.check = check;
      renderTraveller(check);
      renderVerdict(check);
      renderVerification(check);
      renderWarnings(check);
      renderIdentity(check);
      fill(el.timeline, drawTimeline(check, state.today));
      renderHistory(check);
      el.empty.hidden = true;
      el.result.hidden = false;
      el.result.dataset.direction = check.direction;
      updateActions();
    };

    // ------------------------------------------------------------ the timeline

    const W = 960;
    const LEFT = 104;
    const RIGHT = 92; // room for the labels after the last bar
    const LANE_H = 22;
    const Y = { label: 13, bracket: 21, top: 27, stays: 45, crossing: 77, bottom: 104, axis: 106 };

    /** An inline SVG: the 180-day window, past stays and refusals, and this crossing. */
    const drawTimeline = (check, today) => {
      const a = check.assessment;
      const todayN = dayNumber(today);
      const winFrom = a ? dayNumber(a.window.from) : todayN - 179;
      const winTo = a ? dayNumber(a.window.to) : todayN;
      const open = check.entries.find((e) => !e.exit_at) || null;
      let start = winFrom;
      let end = Math.max(winTo, todayN);
      if (check.direction === "entry" && a && a.authorised_until) end = Math.max(end, dayNumber(a.authorised_until));
      if (a && a.next_entry) end = Math.max(end, dayNumber(a.next_entry.date) + Math.min(a.next_entry.days, 20));
      if (open) {
        start = Math.min(start, dayNumber(open.entry_at));
        if (!open.family_member) end = Math.max(end, dayNumber(open.authorised_stay_until));
      }
      start -= 4;
      end += 6;
      const span = end - start;
      const x = (day) => LEFT + ((Math.min(Math.max(day, start), end) - start) / span) * (W - LEFT - RIGHT);
      const width = (from, to) => Math.max(x(to + 1) - x(from), 2);

      const height = 168;
      const days = a ? a.days_used : 0;
      const svg = s("svg", {
        viewBox: `0 0 ${W} ${height}`, class: "tl dtl", role: "img", "data-testid": "timeline",
        "aria-labelledby": "dtl-title dtl-desc", preserveAspectRatio: "xMinYMin meet",
      },
      s("title", { id: "dtl-title" }, `180-day window from ${formatDate(isoOf(winFrom))} to ${formatDate(isoOf(winTo))}`),
      s("desc", { id: "dtl-desc" }, `${plural(days)} used of ${LIMIT}. ${counted(check.entries.length, "entry", "entries")} and ${plural(check.refusals.length, "refusal")} on record.`),
      s("defs", {},
        s("pattern", { id: "dtl-open", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
          s("rect", { width: 6, height: 6, class: "dtl-open-bg" }), s("rect", { width: 2.5, height: 6, class: "dtl-open-line" }))));

      const wx0 = x(winFrom);
      const wx1 = x(winTo + 1);
      svg.append(
        s("rect", { x: wx0, y: Y.top, width: wx1 - wx0, height: Y.bottom - Y.top, class: "tl-window", "data-testid": "timeline-window" },
          s("title", {}, `180-day window: ${formatDate(isoOf(winFrom))} – ${formatDate(isoOf(winTo))}`)),
        s("path", { d: `M${wx0} ${Y.top} V${Y.bracket} H${wx1} V${Y.top}`, class: "tl-bracket" }),
        s("text", { x: (wx0 + wx1) / 2, y: Y.label, class: "tl-label tl-strong", "text-anchor": "middle" },
          `180-day window ${formatDate(isoOf(winFrom))} – ${formatDate(isoOf(winTo))}: ${days} of ${LIMIT} days used`),
        s("text", { x: 4, y: Y.stays + LANE_H / 2 + 4, class: "tl-lane" }, "Stays on file"),
        s("text", { x: 4, y: Y.crossing + LANE_H / 2 + 4, class: "tl-lane" }, check.direction === "entry" ? "This entry" : "This stay"),
        s("line", { x1: LEFT, x2: W - RIGHT, y1: Y.stays + LANE_H + 6, y2: Y.stays + LANE_H + 6, class: "tl-grid" }));

      // Stays on file: counted days in blue, overstay in red, an open stay hatched at its end.
      let hidden = 0;
      for (const e of check.entries) {
        const from = dayNumber(e.entry_at);
        const to = e.exit_at ? dayNumber(e.exit_at) : todayN;
        if (to < start) {
          hidden += 1;
          continue;
        }
        const auth = e.family_member ? Infinity : dayNumber(e.authorised_stay_until); // Art 11, 12
        const overFrom = e.overstay_from ? dayNumber(e.overstay_from) : to > auth ? auth + 1 : null;
        const lawfulTo = overFrom !== null ? Math.min(to, overFrom - 1) : to;
        const label = `Stay ${formatDate(e.entry_at)} – ${e.exit_at ? formatDate(e.exit_at) : "(no exit yet)"} at ${e.entry_crossing_point}`;
        if (lawfulTo >= from) {
          svg.append(s("rect", { x: x(from), y: Y.stays, width: width(from, lawfulTo), height: LANE_H, rx: 3, class: e.exit_at ? "tl-stay" : "tl-stay dtl-open", "data-testid": "timeline-stay" },
            s("title", {}, `${label}: ${plural(lawfulTo - from + 1)}`)));
        }
        if (overFrom !== null && to >= overFrom) {
          svg.append(s("rect", { x: x(overFrom), y: Y.stays - 2, width: width(overFrom, to), height: LANE_H + 4, rx: 2, class: "tl-overstay", "data-testid": "timeline-overstay" },
            s("title", {}, `Overstay ${formatDate(isoOf(overFrom))} – ${formatDate(isoOf(to))}: ${plural(to - overFrom + 1)}`)));
        }
      }
      if (hidden) {
        svg.append(s("text", { x: LEFT + 2, y: Y.stays - 3, class: "tl-small" }, `◂ ${plural(hidden, "earlier stay")}`));
      }
      for (const r of check.refusals) {
        const d = dayNumber(r.refused_at);
        if (d < start || d > end) continue;
        const cx = x(d) + (x(d + 1) - x(d)) / 2;
        const cy = Y.stays + LANE_H / 2;
        svg.append(s("g", { class: "dtl-refusal", "data-testid": "timeline-refusal" },
          s("title", {}, `Refused entry on ${formatDate(r.refused_at)} at ${r.crossing_point}: ${r.reasons.join(", ")}`),
          s("circle", { cx, cy, r: 8 }),
          s("path", { d: `M${cx - 3.5} ${cy - 3.5} L${cx + 3.5} ${cy + 3.5} M${cx + 3.5} ${cy - 3.5} L${cx - 3.5} ${cy + 3.5}` })));
      }

      // This crossing.
      const barLabel = (from, to, text, y, cls = "", inside = "tl-bar-text") => {
        const w = x(to + 1) - x(from);
        const textWidth = text.length * 6.4 + 12;
        const ty = y + LANE_H / 2 + 4;
        if (w > textWidth) return s("text", { x: x(from) + w / 2, y: ty, "text-anchor": "middle", class: inside }, text);
        const after = x(to + 1) + textWidth < W;
        return s("text", { x: after ? x(to + 1) + 6 : x(from) - 6, y: ty, "text-anchor": after ? "start" : "end", class: `tl-label ${cls}` }, text);
      };
      // Reg. (EU) 2018/1806 Art 3(1): without the visa the nationality requires, no stay is drawn.
      const visaMissing = check.visa_requirement && check.visa_requirement.visa_missing;
      if (check.direction === "entry" && !visaMissing) {
        if (a && a.authorised_until) {
          const until = dayNumber(a.authorised_until);
          svg.append(
            s("rect", { x: x(todayN), y: Y.crossing, width: width(todayN, until), height: LANE_H, rx: 3, class: "tl-allowed", "data-testid": "timeline-allowed" },
              s("title", {}, `Stay may be authorised ${formatDate(today)} – ${formatDate(a.authorised_until)} (${plural(until - todayN + 1)})`)),
            barLabel(todayN, until, `${plural(until - todayN + 1)}, until ${formatDate(a.authorised_until)}`, Y.crossing));
        } else {
          svg.append(s("text", { x: x(todayN) + 6, y: Y.crossing + LANE_H / 2 + 4, class: "tl-label tl-overstay-text" }, "No stay possible today"));
          if (a && a.next_entry) {
            const nd = dayNumber(a.next_entry.date);
            svg.append(s("rect", { x: x(nd), y: Y.crossing, width: Math.max(x(nd + a.next_entry.days) - x(nd), 2), height: LANE_H, rx: 3, class: "tl-next", "data-testid": "timeline-next-entry" },
              s("title", {}, `From ${formatDate(a.next_entry.date)} a stay may be authorised for ${plural(a.next_entry.days)}`)),
            s("text", { x: Math.min(x(nd) + 4, W - RIGHT - 4), y: Y.crossing - 3, class: "tl-small", "text-anchor": x(nd) + 120 > W ? "end" : "start" }, `next entry ${formatDate(a.next_entry.date)}`));
          }
        }
      } else if (open && !open.family_member) {
        const from = dayNumber(open.entry_at);
        const auth = dayNumber(open.authorised_stay_until);
        svg.append(
          s("rect", { x: x(from), y: Y.crossing, width: width(from, auth), height: LANE_H, rx: 3, class: "tl-next", "data-testid": "timeline-authorised" },
            s("title", {}, `Authorised stay ${formatDate(open.entry_at)} – ${formatDate(open.authorised_stay_until)}`)),
          barLabel(from, auth, `authorised stay until ${formatDate(open.authorised_stay_until)}`, Y.crossing, "tl-muted", "tl-label dtl-outline-text"));
        if (todayN > auth) {
          svg.append(
            s("rect", { x: x(auth + 1), y: Y.crossing, width: width(auth + 1, todayN), height: LANE_H, rx: 2, class: "tl-overstay" },
              s("title", {}, `Overstay: ${plural(todayN - auth)}`)),
            s("text", { x: x(todayN + 1) + 5, y: Y.crossing + LANE_H / 2 + 4, class: "tl-label tl-overstay-text" }, `${plural(todayN - auth)} over`));
        }
      } else {
        svg.append(s("text", { x: x(todayN) - 6, y: Y.crossing + LANE_H / 2 + 4, class: "tl-label tl-muted", "text-anchor": "end" }, "No entry on record"));
      }

      // Today.
      const tx = x(todayN) + (x(todayN + 1) - x(todayN)) / 2;
      const right = tx > W - 150;
      svg.append(
        s("line", { x1: tx, x2: tx, y1: Y.top - 2, y2: Y.bottom + 2, class: "tl-on" }),
        s("text", { x: tx, y: Y.top + 12, dx: right ? -4 : 4, class: "tl-small tl-on-text", "text-anchor": right ? "end" : "start" }, `Today ${formatDate(today)}`));

      // Month axis; the year under January and under the first month.
      svg.append(s("line", { x1: LEFT, x2: x(end + 1), y1: Y.axis, y2: Y.axis, class: "tl-axis" }));
      const first = new Date(start * DAY_MS);
      let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1) / DAY_MS;
      let labelledYear = false;
      while (month <= end) {
        const d = new Date(month * DAY_MS);
        const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
        if (month >= start) svg.append(s("line", { x1: x(month), x2: x(month), y1: Y.axis, y2: Y.axis + 5, class: "tl-axis" }));
        const ma = x(Math.max(month, start));
        const mb = x(Math.min(nextMonth, end));
        if (mb - ma > 22) {
          svg.append(s("text", { x: (ma + mb) / 2, y: Y.axis + 16, "text-anchor": "middle", class: "tl-small" }, MONTHS[d.getUTCMonth()]));
          if (d.getUTCMonth() === 0 || !labelledYear) {
            svg.append(s("text", { x: (ma + mb) / 2, y: Y.axis + 29, "text-anchor": "middle", class: "tl-small tl-strong" }, String(d.getUTCFullYear())));
            labelledYear = true;
          }
        }
        month = nextMonth;
      }

      // Legend: one entry per kind of mark drawn.
      const drawn = (testid) => svg.querySelector(`[data-testid="${testid}"]`) !== null;
      const legend = [
        ["timeline-stay", "tl-stay", "Days of stay"],
        ["timeline-overstay", "tl-overstay", "Overstay"],
        ["timeline-refusal", "dtl-refusal-swatch", "Refusal"],
        ["timeline-allowed", "tl-allowed", "Stay that may be authorised"],
        ["timeline-authorised", "tl-next", "Authorised stay"],
        ["timeline-next-entry", "tl-next", "Next possible stay"],
      ].filter(([testid]) => drawn(testid));
      let lx = LEFT;
      const ly = height - 8;
      for (const [, cls, text] of legend) {
        svg.append(s("rect", { x: lx, y: ly - 10, width: 14, height: 11, rx: 2, class: cls }),
          s("text", { x: lx + 19, y: ly, class: "tl-small" }, text));
        lx += 19 + text.length * 6.2 + 18;
      }
      return svg;
    };

    // ------------------------------------------------------------ recorded at this desk

    const RECENT_LABEL = { entry: "entry", exit: "exit", refusal: "refusal" };
    const renderRecent = () => {
      const list = $("#recent");
      const counts = { entry: 0, exit: 0, refusal: 0 };
      for (const r of state.recent) counts[r.kind] += 1;
      $("#recent-counts").textContent = state.recent.length
        ? `${counted(counts.entry, "entry", "entries")} · ${counted(counts.exit, "exit", "exits")} · ${counted(counts.refusal, "refusal", "refusals")}`
        : "";
      if (state.recent.length === 0) {
        fill(list, h("li", { class: "empty" }, "Nothing recorded yet in this session."));
        return;
      }
      fill(list, state.recent.slice(0, 8).map((r) => h("li", { class: `recent-${r.kind}`, "data-testid": "recent-item" },
        h("span", { class: `recent-kind kind-${r.kind}` }, RECENT_LABEL[r.kind]),
        h("span", { class: "recent-who" }, h("strong", {}, r.surname || "–"), r.given ? ` ${r.given}` : "", h("small", { class: "mono" }, ` ${r.document}`)),
        h("span", { class: "recent-when" }, r.queued ? chip("chip-warn", "queued") : r.when ? `${r.when.slice(0, 10) === state.today ? "" : `${formatDate(r.when).replace(/ \d{4}$/, "")} `}${r.when.slice(11, 16)}` : ""),
        h("span", { class: "recent-id mono" }, r.recordId))));
    };

    const remember = (kind, receipt, body) => {
      const check = receipt.check;
      const t = check ? check.traveller : null;
      let when = null;
      if (check && kind === "refusal") when = (check.refusals.find((r) => r.record_id === receipt.record_id) || {}).refused_at;
      else if (check) {
        const e = check.entries.find((r) => r.record_id === receipt.record_id) || {};
        when = kind === "exit" ? e.exit_at : e.entry_at;
      }
      const line2 = body.mrz.split("\n")[1] || "";
      state.recent.unshift({
        kind,
        recordId: receipt.record_id,
        queued: Boolean(receipt.queued),
        surname: t ? t.surname : body.mrz.split("\n")[0].slice(5).split("<<")[0].replace(/</g, " "),
        given: t ? t.given_names : "",
        document: t ? `${t.issuing_state} ${t.document_number}` : line2.slice(0, 9).replace(/</g, ""),
        when: when || null,
      });
      state.recent = state.recent.slice(0, 50);
      try {
        window.sessionStorage.setItem(RECENT_KEY, JSON.stringify(state.recent));
      } catch {
        /* storage may be disabled: the list then lasts for the page */
      }
      renderRecent();
    };

    // ------------------------------------------------------------ actions

    const busy = (on) => {
      state.busy = on;
      desk.dataset.busy = on ? "true" : "false";
      el.check.setAttribute("aria-busy", on ? "true" : "false");
      updateActions();
    };

    const mrzText = () => mrzLines().join("\n");
    /** Whether the server refused this very MRZ as invalid: nothing can be recorded with it. */
    const mrzRefused = () => state.invalidMrz !== null && state.invalidMrz === mrzText();

    const updateActions = () => {
      const hasMrz = mrzLines().length > 0;
      const can = mayRecord && recordable(state.point) && hasMrz && !mrzRefused() && !state.busy && !state.recorded;
      el.recordEntry.disabled = !can;
      el.recordExit.disabled = !can;
      el.recordRefusal.disabled = !can;
      const noStay = state.check && state.check.direction === "entry" && state.check.assessment && !state.check.assessment.authorised_until;
      el.recordEntry.classList.toggle("primary-act", state.direction === "entry" && !noStay);
      el.recordExit.classList.toggle("primary-act", state.direction === "exit");
      el.recordRefusal.classList.toggle("primary-act", Boolean(noStay));
      el.check.disabled = state.busy;
    };

    const setDirection = (direction, { recheck = true } = {}) => {
      if (state.direction === direction) return;
      state.direction = direction;
      desk.dataset.direction = direction;
      for (const b of $$("[data-direction]", desk)) b.setAttribute("aria-checked", String(b.dataset.direction === direction));
      updateActions();
      if (recheck && state.check) runCheck({ force: true });
    };

    const checkSignature = () => JSON.stringify([state.direction, crossingBody()]);

    const runCheck = async ({ force = false } = {}) => {
      const lines = mrzLines();
      // A scanner's trailing Enter after the automatic check asks for the same check again:
      // leave its answer (and any error it listed) as it is.
      const sig = checkSignature();
      if (!force && lines.length > 0 && state.point && sig === state.checkedSig && Date.now() - state.checkedAt < 2500) return;
      clearErrors();
      if (lines.length === 0) {
        showProblem({ title: "Nothing to check", detail: "Scan the travel document or paste its machine-readable zone.", errors: [{ field: "mrz", reason: "empty" }] });
        el.mrz.focus();
        return;
      }
      if (!state.point) {
        showProblem({ title: "No crossing point", detail: "Choose the crossing point of this desk first.", errors: [] });
        el.cp.focus();
        return;
      }
      state.checkedSig = sig;
      state.checkedAt = Date.now();
      if (mrzLayout(lines)) el.mrz.value = lines.join("\n");
      const seq = ++state.checkSeq;
      state.recorded = false;
      busy(true);
      try {
        const response = await call(`/api/v1/ees/border-checks?direction=${state.direction}`, { method: "POST", body: crossingBody() });
        if (seq !== state.checkSeq) return;
        if (response.ok) {
          state.invalidMrz = null;
          el.outcome.hidden = true;
          renderCheck(response.data);
        } else if (response.status !== 401) {
          const p = problemOf(response);
          state.invalidMrz = p.errors.some((e) => String(e.field || "").startsWith("mrz")) ? mrzText() : null;
          resetResult(true);
          if (p.code === "ees-not-in-scope") showNotInScope(p);
          showProblem(p);
        }
      } catch {
        state.checkedSig = null;
        if (seq === state.checkSeq) showProblem({ title: "No answer from the server", detail: "The check did not reach the server. Press Enter to try again.", errors: [] });
      } finally {
        if (seq === state.checkSeq) busy(false);
      }
    };

    const ACTIONS = {
      entry: { path: "/api/v1/ees/entries", key: "F8", done: "Entry recorded" },
      exit: { path: "/api/v1/ees/exits", key: "F9", done: "Exit recorded" },
      refusal: { path: "/api/v1/ees/refusals", key: "F10", done: "Refusal recorded" },
    };

    const showOutcome = (tone, ...children) => {
      el.outcome.className = `outcome tone-${tone}`;
      fill(el.outcome, ...children);
      el.outcome.hidden = false;
    };

    const record = async (kind, reasons = null) => {
      if (state.busy || !mayRecord) return;
      if (!recordable(state.point)) {
        showOutcome("refused", h("strong", {}, "Not recorded: "), "the EES is suspended at this crossing point; stamp the passport.");
        return;
      }
      if (state.recorded) {
        showOutcome("info", h("strong", {}, "Already recorded. "), "Press Esc for the next traveller.");
        return;
      }
      if (mrzLines().length === 0) {
        clearErrors();
        showProblem({ title: "Nothing to record", detail: "Scan the travel document first.", errors: [{ field: "mrz", reason: "empty" }] });
        el.mrz.focus();
        return;
      }
      if (mrzRefused()) {
        // The errors of the check stay listed on the left; the keys do nothing until fixed.
        el.mrz.focus();
        return;
      }
      if (kind === "entry" || kind === "exit") setDirection(kind, { recheck: false });
      else setDirection("entry", { recheck: false });
      const action = ACTIONS[kind];
      const body = crossingBody();
      if (reasons) body.reasons = reasons;
      const sig = `${kind}:${JSON.stringify(body)}`;
      // A retry of the same action after no answer sends the same key: nothing is stored twice.
      const key = state.retry && state.retry.sig === sig ? state.retry.key : uuid();
      state.retry = { sig, key };
      clearErrors();
      busy(true);
      state.checkSeq += 1;
      let response;
      try {
        response = await call(action.path, { method: "POST", body, headers: { "Idempotency-Key": key } });
      } catch {
        busy(false);
        showOutcome("refused", h("strong", {}, "No answer from the server. "), `Nothing is known to be recorded: press ${action.key} again to retry (the same request id is sent, so nothing is stored twice).`);
        return;
      }
      if (response.status < 500) state.retry = null;
      busy(false);
      if (response.status === 401) return;
      if (!response.ok) {
        const p = problemOf(response);
        if (p.errors.some((e) => String(e.field || "").startsWith("mrz"))) state.invalidMrz = body.mrz;
        updateActions();
        showProblem(p);
        showOutcome("refused", h("strong", { "data-testid": "outcome-title" }, `${action.done.replace("recorded", "not recorded")}: `), p.title, ".");
        return;
      }
      const receipt = response.data;
      state.recorded = true;
      remember(kind, receipt, body);
      if (receipt.check) {
        renderCheck(receipt.check);
        state.checkedSig = checkSignature();
        state.checkedAt = Date.now();
      }
      if (receipt.queued) {
        showOutcome("queued",
          h("strong", { "data-testid": "outcome-title" }, `${action.done} in the local fall-back queue (Art 21)`),
          " · ", h("span", { class: "mono", "data-testid": "outcome-record-id" }, receipt.record_id),
          " · it is uploaded when the central system answers again. ", h("kbd", {}, "Esc"), " next traveller");
      } else {
        showOutcome(kind === "refusal" ? "refused" : "ok",
          h("strong", { "data-testid": "outcome-title" }, receipt.replayed ? `${action.done} before (a retry: nothing stored twice)` : action.done),
          reasons ? ` (reason${reasons.length > 1 ? "s" : ""} ${reasons.join(", ")})` : "",
          " · record ", h("span", { class: "mono", "data-testid": "outcome-record-id" }, receipt.record_id),
          " · ", receipt.created_file
            ? h("span", { "data-testid": "outcome-file" }, "new individual file ", h("span", { class: "mono" }, receipt.file_id))
            : h("span", { "data-testid": "outcome-file" }, "file ", h("span", { class: "mono" }, receipt.file_id)),
          " · ", h("kbd", {}, "Esc"), " next traveller");
      }
      updateActions();
      loadFallback();
      el.mrz.focus();
      const file = receipt.check && receipt.check.file;
      if (file && file.cir_id && !receipt.queued) showIdentityLinks(file.cir_id, state.checkSeq);
    };

    // How often, and how many times, the desk asks again while detection is pending.
    const MID_POLL_MS = 1000;
    const MID_POLLS = 120;
    // 2019/817 Art 27: the file just written goes through the multiple-identity detector,
    // which runs in the worker process; the desk reads what it found and never waits for
    // it. Until detection reaches the file the outcome says so and asks again; a link
    // pending verification (Art 30) is then shown with the way to the queue.
    const showIdentityLinks = async (cirId, seq, attempt = 0) => {
      let check;
      try {
        const found = await call(`/api/v1/mid/records/${encodeURIComponent(cirId)}/identity-check`);
        if (!found.ok) return;
        check = found.data;
      } catch {
        return;
      }
      if (seq !== state.checkSeq) return;
      const shown = $('[data-testid="outcome-mid-pending"]', el.outcome);
      if (check.pending) {
        const waited = attempt >= MID_POLLS;
        const note = h("div", { class: "outcome-mid outcome-mid-pending", "data-testid": "outcome-mid-pending" },
          h("strong", {}, "Identity check pending (Art 27): "),
          waited
            ? "the multiple-identity detector has not reached this file yet; any link will appear in Identity checks."
            : "the multiple-identity detector has not reached this file yet; this updates by itself.");
        if (shown) shown.replaceWith(note); else el.outcome.append(note);
        if (!waited) setTimeout(() => showIdentityLinks(cirId, seq, attempt + 1), MID_POLL_MS);
        return;
      }
      if (shown) shown.remove();
      const pending = check.links.filter((l) => l.colour === "yellow" || l.colour === "red");
      if (!pending.length) return;
      el.outcome.append(h("div", { class: "outcome-mid", "data-testid": "outcome-mid" },
        h("strong", {}, pending.some((l) => l.colour === "red")
          ? "Multiple-identity detector: a red link (Art 32) — unjustified use of identities on record. "
          : `Multiple-identity detector: ${pending.length} yellow link${pending.length > 1 ? "s" : ""} pending manual verification (Art 30). `),
        ...pending.map((l) => h("a", { href: `/mid/links/${encodeURIComponent(l.link_id)}`, "data-testid": "outcome-mid-link" }, `Verify link ${l.link_id}`))));
    };
    const clearAll = () => {
      state.checkSeq += 1;
      state.recorded = false;
      state.identityDecision = null;
      state.retry = null;
      state.invalidMrz = null;
      el.mrz.value = "";
      for (const input of [el.visaSticker, el.visaFrom, el.visaUntil, el.visaDuration]) input.value = "";
      el.visaEntries.value = "multiple";
      el.visaLtv.checked = false;
      el.visaPanel.open = false;
      fill(el.stampsRows);
      el.stampsPanel.open = false;
      el.familyMember.checked = false;
      el.residenceDocument.value = "";
      el.visaExemption.value = "";
      el.statusPanel.open = false;
      $('input[name="fingerprints"][value=""]').checked = true;
      clearErrors();
      resetResult();
      el.outcome.hidden = true;
      busy(false);
      renderShape();
      el.mrz.focus();
    };

    // ------------------------------------------------------------ refusal dialog

    const reasonBoxes = () => $$('input[name="reason"]', el.dialog);

    const openRefusal = () => {
      if (state.busy || !mayRecord) return;
      if (!recordable(state.point) || state.recorded) {
        record("refusal");
        return;
      }
      if (mrzLines().length === 0) {
        record("refusal");
        return;
      }
      const suggested = new Set();
      const c = state.check;
      if (c && c.direction === "entry" && c.assessment && !c.assessment.authorised_until) suggested.add("F");
      if (c && c.traveller.expired) suggested.add("A");
      if (c && c.direction === "entry" && c.visa_requirement && c.visa_requirement.visa_missing) suggested.add("C");
      for (const box of reasonBoxes()) {
        box.checked = false;
        box.closest("label").querySelector(".suggested").hidden = !suggested.has(box.value);
      }
      el.refusalError.hidden = true;
      el.dialog.showModal();
      const first = reasonBoxes().find((b) => suggested.has(b.value)) || reasonBoxes()[0];
      first.focus();
    };

    const confirmRefusal = () => {
      const reasons = reasonBoxes().filter((b) => b.checked).map((b) => b.value);
      if (reasons.length === 0) {
        el.refusalError.textContent = "Tick at least one reason (press its letter, A to J).";
        el.refusalError.hidden = false;
        return;
      }
      el.dialog.close();
      record("refusal", reasons);
    };

    el.dialog.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      const letter = event.key.length === 1 ? event.key.toUpperCase() : "";
      if (letter >= "A" && letter <= "J") {
        const box = reasonBoxes().find((b) => b.value === letter);
        if (box) {
          event.preventDefault();
          box.checked = !box.checked;
          box.focus();
          el.refusalError.hidden = true;
        }
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (document.activeElement === $("#refusal-cancel")) el.dialog.close();
        else confirmRefusal();
      }
    });
    el.refusalForm.addEventListener("submit", (event) => {
      event.preventDefault();
      confirmRefusal();
    });
    $("#refusal-cancel").addEventListener("click", () => el.dialog.close());
    el.dialog.addEventListener("close", () => {
      if (!el.result.hidden || el.mrz.value) el.mrz.focus();
    });

    // ------------------------------------------------------------ keyboard

    const toggleVisa = () => {
      el.visaPanel.open = !el.visaPanel.open;
      (el.visaPanel.open ? el.visaSticker : el.mrz).focus();
    };

    document.addEventListener("keydown", (event) => {
      if (el.dialog.open) return;
      const alt = event.altKey && !event.ctrlKey && !event.metaKey;
      const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
      let handled = true;
      if (plain && event.key === "F2") setDirection("entry");
      else if (plain && event.key === "F3") setDirection("exit");
      else if ((plain && event.key === "F4") || (alt && event.code === "KeyV")) toggleVisa();
      else if ((plain && event.key === "F8") || (alt && event.code === "Digit1")) record("entry");
      else if ((plain && event.key === "F9") || (alt && event.code === "Digit2")) record("exit");
      else if ((plain && event.key === "F10") || (alt && event.code === "Digit3")) openRefusal();
      else if (plain && event.key === "Escape" && event.target !== el.cp) clearAll();
      else handled = false;
      if (handled) event.preventDefault();
    });

    el.mrz.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.altKey) return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        runCheck({ force: true });
        return;
      }
      const lines = mrzLines();
      const atEnd = el.mrz.selectionStart === el.mrz.value.length;
      // A keyboard-wedge scanner ends each line with Enter: let it add the next line.
      if (!mrzLayout(lines) && atEnd && expectsMoreLines(lines) && !/\n\s*$/.test(el.mrz.value)) return;
      event.preventDefault();
      runCheck();
    });
    el.mrz.addEventListener("input", () => {
      state.identityDecision = null; // a decision is about the document it was taken on
      renderShape();
      updateActions();
      if (el.mrz.getAttribute("aria-invalid") === "true") {
        el.mrz.removeAttribute("aria-invalid");
        el.mrzError.hidden = true;
      }
      if (mrzLayout(mrzLines())) runCheck();
    });

    el.stampsAdd.addEventListener("click", addStampRow);

    // Enter in a visa field checks again with the visa.
    for (const input of [el.visaSticker, el.visaFrom, el.visaUntil, el.visaDuration, el.visaEntries]) {
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          runCheck({ force: true });
        }
      });
      input.addEventListener("input", () => {
        input.removeAttribute("aria-invalid");
        const box = $(`.field-error[data-error-path="${CSS.escape(input.dataset.path)}"]`, desk);
        if (box) box.hidden = true;
      });
    }
    // A changed status changes the answer (EES Art 2; Reg. (EU) 2018/1806): check again.
    for (const input of [el.familyMember, el.residenceDocument, el.visaExemption]) {
      input.addEventListener("change", () => {
        if (mrzLines().length > 0 && state.point) runCheck({ force: true });
      });
    }
    for (const radio of $$('input[name="fingerprints"]', desk)) {
      radio.addEventListener("change", () => {
        $("#capture-error").hidden = true;
      });
    }

    for (const button of $$("[data-direction]", desk)) {
      button.addEventListener("click", () => setDirection(button.dataset.direction));
      button.addEventListener("keydown", (event) => {
        if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
          event.preventDefault();
          const next = state.direction === "entry" ? "exit" : "entry";
          setDirection(next);
          $(`[data-direction="${next}"]`, desk).focus();
        }
      });
    }
    el.check.addEventListener("click", () => runCheck({ force: true }));
    el.clear.addEventListener("click", clearAll);
    el.recordEntry.addEventListener("click", () => record("entry"));
    el.recordExit.addEventListener("click", () => record("exit"));
    el.recordRefusal.addEventListener("click", openRefusal);
    el.cp.addEventListener("change", () => {
      selectPoint(el.cp.value);
      if (state.check) runCheck({ force: true });
    });

    el.clockForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const days = Number(el.clockDays.value);
      if (!Number.isInteger(days) || days < 1) {
        el.clockDays.setAttribute("aria-invalid", "true");
        return;
      }
      el.clockDays.removeAttribute("aria-invalid");
      const response = await call("/api/v1/admin/clock", { method: "POST", body: { days } });
      if (!response.ok) {
        showProblem(problemOf(response));
        return;
      }
      renderClock(response.data);
      showOutcome("info", h("strong", { "data-testid": "clock-outcome" }, `${plural(days)} passed`), ` on the demo clock: it is now ${formatDate(response.data.now)}; overstays were flagged.`);
      loadFallback();
      if (state.check) {
        state.recorded = false;
        await runCheck({ force: true });
      }
      el.mrz.focus();
    });

    el.fallbackReplay.addEventListener("click", async () => {
      el.fallbackReplay.setAttribute("aria-busy", "true");
      try {
        const response = await call("/api/v1/ees/fallback/replay", { method: "POST" });
        if (response.ok) {
          renderFallback(response.data);
          const up = response.data.uploaded.length;
          const failed = response.data.failed.length;
          showOutcome(failed ? "refused" : "ok", h("strong", {}, `${plural(up, "crossing")} uploaded`), failed ? ` · ${failed} refused by the central system` : "", response.data.pending ? ` · ${response.data.pending} still queued` : "");
        } else {
          showProblem(problemOf(response));
        }
      } catch {
        showOutcome("refused", h("strong", {}, "No answer from the server."), " The queue is kept; try again.");
      } finally {
        el.fallbackReplay.removeAttribute("aria-busy");
      }
    });

    // ------------------------------------------------------------ start

    desk.dataset.direction = state.direction;
    try {
      state.recent = JSON.parse(window.sessionStorage.getItem(RECENT_KEY) || "[]");
    } catch {
      state.recent = [];
    }
    renderRecent();
    renderShape();
    updateActions();
    el.mrz.focus();
    Promise.allSettled([loadPoints(), loadClock(), loadFallback()]).then(() => {
      desk.dataset.ready = "true";
      if (mrzLayout(mrzLines())) runCheck();
    });
    window.setInterval(loadFallback, 30000);
  };

  // ---------------------------------------------------------------- dispatch

  const login = document.getElementById("login");
  if (login) initLogin(login);
  const desk = document.getElementById("desk");
  if (desk) initDesk(desk);
  const overstayers = document.getElementById("overstayers");
  if (overstayers) initOverstayers(overstayers);
})();
