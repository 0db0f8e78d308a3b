// EdgeGate web console: plain JavaScript over the local API (/api/v1). Every request carries the
// token as a bearer header; nothing is put into the DOM as HTML.
'use strict';

const TOKEN_KEY = 'edgegate.apiToken';
const API = '/api/v1';
const CAMERA_REFRESH_MS = 4000;
const MAX_DECISIONS = 100;

const state = {
  token: null,
  streamAbort: null,
  cameraTimer: null,
  seenDecisions: new Set(),
  snapshotUrls: new Map(),
  selectedPerson: null,
  deregisterTarget: null,
  capture: null,
  captureUrl: null,
  history: { pages: [], next: null },
};

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiFailure extends Error {
  constructor(status, error, detail, fields) {
    super(detail || error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
    this.fields = fields || null;
  }
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) };
  let body = options.body;
  if (body instanceof Blob) {
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(API + path, { ...options, headers, body, cache: 'no-store' });
  if (response.status === 401) {
    signOut('The token was refused. Sign in again.');
    throw new ApiFailure(401, 'unauthorized', 'The token was refused.');
  }
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let error = null;
    let detail = `HTTP ${response.status}`;
    let fields = null;
    if (type.includes('json')) {
      const problem = await response.json();
      error = problem.error;
      detail = problem.detail || detail;
      fields = problem.fields || null;
    }
    throw new ApiFailure(response.status, error, detail, fields);
  }
  if (options.raw) return response;
  return type.includes('json') ? response.json() : null;
}

function notify(message, kind = '') {
  const notice = $('notice');
  notice.textContent = message;
  notice.className = `notice ${kind}`;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const clock = (iso) => new Date(iso).toLocaleTimeString();

// ---- sign in / out -------------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  try {
    await api('/doors');
  } catch (failure) {
    state.token = null;
    $('login-error').textContent = failure.status === 401
      ? 'That token is not valid for this gateway.'
      : `The gateway did not answer: ${failure.message}`;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  $('login-error').textContent = '';
  startConsole();
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  if (state.streamAbort) state.streamAbort.abort();
  state.streamAbort = null;
  clearInterval(state.cameraTimer);
  state.cameraTimer = null;
  setStreamStatus('offline', 'pill-off');
  $('console').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = reason || '';
  $('token-input').value = '';
  $('token-input').focus();
}

function startConsole() {
  streamDecisions();
  refreshCameras();
  state.cameraTimer = setInterval(refreshCameras, CAMERA_REFRESH_MS);
  loadDoors();
  searchPersons();
  searchHistory();
  searchEvents();
}

// ---- live decisions ------------------------------------------------------------------------

const REASON_WORDS = {
  GRANTED_FACE: 'Granted · face',
  GRANTED_CARD: 'Granted · card',
  GRANTED_REMOTE: 'Granted · remote',
  GRANTED_EXIT: 'Granted · exit button',
  DENIED_UNKNOWN: 'Denied · unknown',
  DENIED_SPOOF: 'Denied · spoof',
  DENIED_EXPIRED: 'Denied · expired',
  DENIED_NOT_YET_VALID: 'Denied · not yet valid',
  DENIED_REVOKED: 'Denied · revoked',
  DENIED_SUSPENDED: 'Denied · suspended',
  DENIED_SCHEDULE: 'Denied · outside hours',
  DENIED_PASSBACK: 'Denied · anti-passback',
  DENIED_DOOR_DISABLED: 'Denied · door disabled',
  ALERT_WATCHLIST: 'Alert · watch list',
  SUPPRESSED_COOLDOWN: 'Repeat · ignored',
};

function reasonClass(decision) {
  if (decision.reasonCode.startsWith('ALERT_') || (decision.alerts && decision.alerts.length > 0)) return 'alert';
  if (decision.outcome === 'Suppressed') return 'suppressed';
  return decision.granted ? 'granted' : 'denied';
}

function decisionKey(decision) {
  return [decision.at, decision.door, decision.reasonCode, decision.credential, decision.personId, decision.cardUid].join('|');
}

function addDecision(decision, fresh) {
  const key = decisionKey(decision);
  if (state.seenDecisions.has(key)) return;
  state.seenDecisions.add(key);
  const kind = reasonClass(decision);
  const who = [
    decision.personId ? `person ${decision.personId}` : null,
    decision.cardUid ? `card ${decision.cardUid}` : null,
    decision.cameraId ? `camera ${decision.cameraId}` : null,
    decision.operatorId ? `by ${decision.operatorId}` : null,
    decision.similarity != null ? `similarity ${decision.similarity.toFixed(2)}` : null,
  ].filter(Boolean).join(' · ');
  const item = el('li', {
    class: `decision ${kind}${fresh ? ' fresh' : ''}`,
    'data-testid': 'decision',
    'data-reason': decision.reasonCode,
    'data-person-id': decision.personId || '',
    'data-card-uid': decision.cardUid || '',
  },
    el('span', { class: 'time', title: when(decision.at), text: clock(decision.at) }),
    el('span', {},
      el('span', { class: `badge ${kind}`, 'data-testid': 'decision-reason', title: decision.reasonCode, text: REASON_WORDS[decision.reasonCode] || decision.reasonCode }),
      el('span', { class: 'message', 'data-testid': 'decision-message', text: decision.message })),
    el('span', { class: 'meta', text: `door ${decision.door} · ${decision.credential}${who ? ' · ' + who : ''}` }));
  const list = $('decisions');
  list.prepend(item);
  while (list.children.length > MAX_DECISIONS) list.lastElementChild.remove();
  $('decisions-empty').hidden = true;
}

function setStreamStatus(text, cls) {
  const pill = $('stream-status');
  pill.textContent = text;
  pill.className = `pill ${cls}`;
}

async function loadRecentDecisions() {
  const recent = await api('/decisions/recent?limit=50');
  for (const decision of recent.slice().reverse()) addDecision(decision, false);
}

function handleEventBlock(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (type === 'decision' && data.length > 0) addDecision(JSON.parse(data.join('\n')), true);
}

// EventSource cannot send an Authorization header, so the stream is read with fetch.
async function streamDecisions() {
  while (state.token) {
    const abort = new AbortController();
    state.streamAbort = abort;
    try {
      setStreamStatus('connecting', 'pill-wait');
      const response = await api('/decisions/stream', { raw: true, signal: abort.signal, headers: { Accept: 'text/event-stream' } });
      setStreamStatus('live', 'pill-on');
      await loadRecentDecisions();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleEventBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (failure) {
      if (abort.signal.aborted || !state.token) return;
      if (failure.status === 503) {
        setStreamStatus('no live decisions', 'pill-off');
        return;
      }
    }
    if (!state.token) return;
    setStreamStatus('reconnecting', 'pill-wait');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ---- cameras -------------------------------------------------------------------------------

async function refreshCameras() {
  if (!state.token) return;
  let cameras;
  try {
    cameras = await api('/cameras');
  } catch (failure) {
    return;
  }
  const container = $('cameras');
  $('cameras-empty').hidden = cameras.length > 0;
  fillCaptureCameras(cameras);
  const names = new Set(cameras.map((camera) => camera.name));
  for (const tile of [...container.children]) {
    if (!names.has(tile.dataset.camera)) tile.remove();
  }
  for (const camera of cameras) {
    let tile = container.querySelector(`[data-camera="${CSS.escape(camera.name)}"]`);
    if (!tile) {
      tile = el('figure', { class: 'camera', 'data-testid': 'camera-tile', 'data-camera': camera.name },
        el('div', { class: 'frame' }, el('span', { text: 'no frame yet' })),
        el('figcaption', { class: 'info' }));
      container.append(tile);
    }
    const ok = camera.state === 'Streaming';
    const info = tile.querySelector('.info');
    info.replaceChildren(...[
      el('span', { class: 'name' }, camera.name,
        el('span', { class: `pill ${ok ? 'pill-on' : camera.state === 'Failed' ? 'pill-off' : 'pill-wait'}`, 'data-testid': 'camera-state', text: camera.state })),
      el('span', { class: 'subtle', text: `door ${camera.door} · ${camera.framesPerSecondIn.toFixed(1)} fps in · ${camera.framesPerSecondAnalysed.toFixed(1)} analysed` }),
      el('span', { class: 'subtle', text: `last frame ${when(camera.lastFrameAt)} · ${camera.reconnects} reconnects · ${camera.framesDropped} dropped` }),
      camera.lastError ? el('span', { class: 'problem', text: `${camera.lastError} (${when(camera.lastErrorAt)})` }) : null,
    ].filter(Boolean));
    refreshSnapshot(tile, camera.name);
  }
}

async function refreshSnapshot(tile, name) {
  const frame = tile.querySelector('.frame');
  try {
    const response = await api(`/cameras/${encodeURIComponent(name)}/snapshot.jpg`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const image = el('img', { src: url, alt: `Latest frame from camera ${name}`, 'data-testid': 'camera-snapshot' });
    frame.replaceChildren(image);
    const previous = state.snapshotUrls.get(name);
    if (previous) URL.revokeObjectURL(previous);
    state.snapshotUrls.set(name, url);
  } catch (failure) {
    if (failure.status === 404) frame.replaceChildren(el('span', { text: 'no frame yet' }));
  }
}

// ---- persons and cards -----------------------------------------------------------------------

async function searchPersons() {
  const query = new URLSearchParams();
  const text = $('person-search').value.trim();
  const status = $('person-status').value;
  if (text) query.set('q', text);
  if (status) query.set('status', status);
  let persons;
  try {
    persons = await api(`/persons?${query}`);
  } catch (failure) {
    notify(`Could not list persons: ${failure.message}`, 'bad');
    return;
  }
  const body = $('persons-table').tBodies[0];
  body.replaceChildren(...persons.map(personRow));
  if (persons.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: 7, class: 'subtle', text: 'No one matches.' })));
  }
}

function personRow(person) {
  const active = person.status === 'Active';
  const gone = person.status === 'Deregistered';
  return el('tr', {
    'data-testid': 'person-row',
    'data-person-id': person.id,
    class: state.selectedPerson === person.id ? 'selected' : null,
  },
    el('td', {}, person.displayName, person.watchListed ? el('span', { class: 'badge alert', title: person.watchListNote || '', text: 'watch list' }) : null),
    el('td', {}, el('code', { text: person.id })),
    el('td', { text: person.unit || '' }),
    el('td', { text: person.category }),
    el('td', { class: `status-${person.status.toLowerCase()}`, 'data-testid': 'person-status', text: person.status }),
    el('td', { text: person.validUntil ? new Date(person.validUntil).toLocaleDateString() : 'no end' }),
    el('td', {}, el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'small secondary', 'data-testid': 'person-open', 'aria-label': `Open ${person.displayName}`, onclick: () => showPerson(person.id) }, 'Open'),
      gone ? null : el('button', {
        type: 'button', class: 'small secondary', 'data-testid': active ? 'person-suspend' : 'person-reinstate',
        onclick: () => changePerson(person, active ? 'suspend' : 'reinstate'),
      }, active ? 'Suspend' : 'Reinstate'),
      gone ? null : el('button', {
        type: 'button', class: 'small danger', 'data-testid': 'person-deregister', 'aria-label': `Deregister ${person.displayName}`,
        onclick: () => askDeregister(person),
      }, 'Deregister…'))));
}

async function changePerson(person, action) {
  try {
    await api(`/persons/${encodeURIComponent(person.id)}/${action}`, { method: 'POST', body: {} });
    notify(`${person.displayName} ${action === 'suspend' ? 'suspended' : 'reinstated'}.`, 'good');
  } catch (failure) {
    notify(`Could not ${action} ${person.displayName}: ${failure.message}`, 'bad');
  }
  await searchPersons();
}

async function showPerson(personId) {
  state.selectedPerson = personId;
  let detail;
  try {
    detail = await api(`/persons/${encodeURIComponent(personId)}`);
  } catch (failure) {
    notify(`Could not load ${personId}: ${failure.message}`, 'bad');
    return;
  }
  for (const row of $('persons-table').tBodies[0].rows) {
    row.classList.toggle('selected', row.dataset.personId === personId);
  }
  $('person-detail').hidden = false;
  $('person-detail-title').textContent = `${detail.person.displayName} (${detail.person.id}) · ${detail.person.status}`;
  const until = detail.person.validUntil;
  const ended = until && new Date(until) < new Date();
  $('person-valid-until').textContent = until ? `Stay valid until ${when(until)}${ended ? ' (ended)' : ''}` : 'Stay has no end date';
  $('person-valid-until').className = ended ? 'expired' : '';
  $('person-renew-form').hidden = detail.person.status === 'Deregistered';
  $('person-renew-date').value = '';
  const body = $('cards-table').tBodies[0];
  body.replaceChildren(...detail.cards.map((card) => cardRow(card, detail.person)));
  $('cards-empty').hidden = detail.cards.length > 0;
  $('issue-form').hidden = detail.person.status !== 'Active';
  showFace(detail);
}

function cardRow(card, person) {
  const revoked = card.status === 'Revoked';
  const dateId = `renew-${card.uid}`;
  const date = el('input', { type: 'date', id: dateId, 'data-testid': 'card-renew-date', 'aria-label': `New last day for card ${card.uid}` });
  return el('tr', { 'data-testid': 'card-row', 'data-card-uid': card.uid },
    el('td', {}, el('code', { text: card.uid })),
    el('td', { class: `status-${card.status.toLowerCase()}`, 'data-testid': 'card-status', text: card.status }),
    el('td', { class: card.expired ? 'expired' : '', 'data-testid': 'card-last-day', text: card.lastDay + (card.expired ? ' (expired)' : '') }),
    el('td', {}, revoked ? '—' : date),
    el('td', {}, el('div', { class: 'actions' },
      revoked ? null : el('button', { type: 'button', class: 'small', 'data-testid': 'card-renew', 'aria-label': `Renew card ${card.uid}`, onclick: () => renewCard(card, date.value, person) }, 'Renew'),
      revoked ? null : el('button', { type: 'button', class: 'small danger', 'data-testid': 'card-revoke', 'aria-label': `Revoke card ${card.uid}`, onclick: () => revokeCard(card, person) }, 'Revoke'))));
}

async function renewCard(card, until, person) {
  if (!until) {
    notify(`Pick the new last day for card ${card.uid} first.`, 'bad');
    return;
  }
  try {
    const renewed = await api(`/cards/${encodeURIComponent(card.uid)}/renew`, { method: 'POST', body: { until } });
    notify(`Card ${renewed.uid} renewed: valid through ${renewed.lastDay}.`, 'good');
  } catch (failure) {
    notify(`Could not renew card ${card.uid}: ${failure.message}`, 'bad');
  }
  await showPerson(person.id);
}

async function renewPerson() {
  const personId = state.selectedPerson;
  const until = $('person-renew-date').value;
  if (!personId) return;
  if (!until) {
    notify('Pick the new last day of the stay first.', 'bad');
    return;
  }
  try {
    const renewed = await api(`/persons/${encodeURIComponent(personId)}/renew`, { method: 'POST', body: { until } });
    notify(`Stay of ${renewed.displayName} renewed: valid through ${until}.`, 'good');
  } catch (failure) {
    notify(`Could not renew the stay of ${personId}: ${failure.message}`, 'bad');
  }
  await searchPersons();
  await showPerson(personId);
}

async function revokeCard(card, person) {
  if (!window.confirm(`Revoke card ${card.uid} of ${person.displayName}? It stops opening doors at once.`)) return;
  try {
    await api(`/cards/${encodeURIComponent(card.uid)}/revoke`, { method: 'POST', body: {} });
    notify(`Card ${card.uid} revoked.`, 'good');
  } catch (failure) {
    notify(`Could not revoke card ${card.uid}: ${failure.message}`, 'bad');
  }
  await showPerson(person.id);
}

function askDeregister(person) {
  state.deregisterTarget = person;
  $('deregister-name').textContent = person.displayName;
  $('deregister-id').textContent = person.id;
  $('deregister-confirm-input').value = '';
  $('deregister-confirm').disabled = true;
  $('deregister-dialog').showModal();
  $('deregister-confirm-input').focus();
}

async function deregister() {
  const person = state.deregisterTarget;
  const typed = $('deregister-confirm-input').value.trim();
  if (!person || typed !== person.id) return;
  try {
    const result = await api(`/persons/${encodeURIComponent(person.id)}/deregister`, { method: 'POST', body: { confirm: typed } });
    notify(`${person.displayName} deregistered: ${result.templatesDeleted} face templates and ${result.photosDeleted} photos deleted, ${result.cardsRevoked} cards revoked.`, 'good');
  } catch (failure) {
    notify(`Could not deregister ${person.displayName}: ${failure.message}`, 'bad');
  }
  state.deregisterTarget = null;
  await searchPersons();
  if (state.selectedPerson === person.id) await showPerson(person.id);
}

// ---- add a person --------------------------------------------------------------------------

const PERSON_FIELDS = {
  id: 'new-id', name: 'new-name', unit: 'new-unit', category: 'new-category', from: 'new-from', until: 'new-until',
  watchList: 'new-watch', 'consent.recordedBy': 'new-consent-by', 'consent.at': 'new-consent-by',
};

function openAddPerson() {
  $('person-form').reset();
  showFieldErrors({});
  $('person-dialog').showModal();
  $('new-id').focus();
}

function showFieldErrors(fields) {
  for (const id of Object.values(PERSON_FIELDS)) $(id).removeAttribute('aria-invalid');
  const list = $('person-form-errors');
  list.replaceChildren(...Object.entries(fields).map(([name, message]) => {
    const input = PERSON_FIELDS[name] ? $(PERSON_FIELDS[name]) : null;
    if (input) input.setAttribute('aria-invalid', 'true');
    const label = input ? document.querySelector(`label[for="${input.id}"]`).textContent : name;
    return el('li', { 'data-field': name, text: `${label}: ${message}` });
  }));
  const first = Object.keys(fields).map((name) => PERSON_FIELDS[name]).find(Boolean);
  if (first) $(first).focus();
}

async function addPerson() {
  const value = (id) => $(id).value.trim();
  const fields = {};
  if (!value('new-id')) fields.id = 'required';
  if (!value('new-name')) fields.name = 'required';
  const consent = $('new-consent').checked;
  if (consent && !value('new-consent-by')) fields['consent.recordedBy'] = 'say who took the consent';
  if (!consent && value('new-consent-by')) fields['consent.recordedBy'] = 'tick the consent box too, or leave this empty';
  if (Object.keys(fields).length > 0) {
    showFieldErrors(fields);
    return;
  }
  const body = {
    id: value('new-id'),
    name: value('new-name'),
    unit: value('new-unit') || null,
    category: $('new-category').value,
    from: value('new-from') || null,
    until: value('new-until') || null,
    watchList: $('new-watch').checked,
    consent: consent ? { recordedBy: value('new-consent-by') } : null,
  };
  let person;
  try {
    person = await api('/persons', { method: 'POST', body });
  } catch (failure) {
    showFieldErrors(failure.fields || { [failure.status === 409 ? 'id' : 'form']: failure.message });
    return;
  }
  $('person-dialog').close();
  notify(`${person.displayName} added${person.consentAt ? ' with recorded consent' : ' (no consent: cards only)'}.`, 'good');
  $('person-search').value = person.id;
  await searchPersons();
  await showPerson(person.id);
  $('person-detail').scrollIntoView({ block: 'start' });
}

// ---- face: consent, upload, capture at the gate camera --------------------------------------

const FACE_REASONS = {
  no_face: 'no face found: the face must be clearly in the picture',
  several_faces: 'several faces: only the person to enrol may be in the picture',
  too_small: 'the face is too small: come closer or use a larger photo',
  too_blurred: 'the picture is blurred: hold still, or use a sharper photo',
  pose: 'the head is turned: look straight into the camera',
  unreadable_image: 'this is not a photo (JPEG or PNG)',
  consent_required: 'no recorded consent to face recognition: record it first',
  possible_duplicate: 'this face is already enrolled for someone else',
  unsupported_media_type: 'this is not a photo (JPEG or PNG)',
  too_large: 'the photo is too large (at most 12 MB)',
};

function faceFailure(failure) {
  return FACE_REASONS[failure.error] ? `${FACE_REASONS[failure.error]} (${failure.error})` : failure.message;
}

function setFaceResult(message, kind) {
  const result = $('face-result');
  result.textContent = message;
  result.className = `notice ${kind || ''}`;
}

function showFace(detail) {
  const person = detail.person;
  const gone = person.status === 'Deregistered';
  const consented = Boolean(person.consentAt);
  $('face-summary').textContent = gone
    ? 'Moved out: no face data is kept.'
    : `${detail.faceTemplates} face template(s) enrolled. ` + (consented
      ? `Consent recorded ${when(person.consentAt)} by ${person.consentRecordedBy}.`
      : 'No recorded consent to face recognition: no face can be enrolled.');
  $('consent-form').hidden = gone || consented;
  $('consent-given').checked = false;
  $('consent-by').value = '';
  $('enrol').hidden = gone || !consented;
  clearCapture();
  setFaceResult('', '');
}

async function recordConsent() {
  const personId = state.selectedPerson;
  const recordedBy = $('consent-by').value.trim();
  if (!$('consent-given').checked || !recordedBy) {
    setFaceResult('Tick the consent box and say who recorded it.', 'bad');
    (!$('consent-given').checked ? $('consent-given') : $('consent-by')).focus();
    return;
  }
  try {
    await api(`/persons/${encodeURIComponent(personId)}/consent`, { method: 'POST', body: { recordedBy } });
  } catch (failure) {
    setFaceResult(`Could not record consent: ${failure.message}`, 'bad');
    return;
  }
  await showPerson(personId);
  setFaceResult('Consent recorded. The face can be enrolled now.', 'good');
}

async function uploadPhoto() {
  const personId = state.selectedPerson;
  const file = $('upload-file').files[0];
  if (!file) {
    setFaceResult('Choose a photo first.', 'bad');
    return;
  }
  setFaceResult(`Checking ${file.name}…`, '');
  const body = file.type ? file : new Blob([file], { type: 'application/octet-stream' });
  try {
    const result = await api(`/persons/${encodeURIComponent(personId)}/photos`, { method: 'POST', body });
    await showPerson(personId);
    setFaceResult(`Photo enrolled: ${result.templateCount} face template(s) now.`, 'good');
  } catch (failure) {
    setFaceResult(`Photo refused: ${faceFailure(failure)}`, 'bad');
  }
  $('upload-file').value = '';
}

function fillCaptureCameras(cameras) {
  const select = $('capture-camera');
  const current = select.value;
  const names = cameras.map((camera) => camera.name);
  if ([...select.options].map((option) => option.value).join('|') !== names.join('|')) {
    select.replaceChildren(...names.map((name) => el('option', { value: name, text: name })));
    if (names.includes(current)) select.value = current;
  }
  $('capture-submit').disabled = names.length === 0;
}

function clearCapture() {
  state.capture = null;
  if (state.captureUrl) URL.revokeObjectURL(state.captureUrl);
  state.captureUrl = null;
  $('capture-image').removeAttribute('src');
  $('capture-preview').hidden = true;
}

async function captureFace() {
  const personId = state.selectedPerson;
  const camera = $('capture-camera').value;
  if (!camera) {
    setFaceResult('This gateway has no camera to capture from.', 'bad');
    return;
  }
  clearCapture();
  setFaceResult(`Capturing from ${camera}…`, '');
  let capture;
  try {
    capture = await api(`/persons/${encodeURIComponent(personId)}/capture/preview?camera=${encodeURIComponent(camera)}`, { method: 'POST' });
    const image = await api(capture.image.slice(API.length), { raw: true });
    state.captureUrl = URL.createObjectURL(await image.blob());
  } catch (failure) {
    setFaceResult(`No face captured: ${faceFailure(failure)}`, 'bad');
    return;
  }
  state.capture = capture;
  $('capture-image').src = state.captureUrl;
  $('capture-info').textContent = `From ${capture.camera} at ${clock(capture.takenAt)}` +
    (capture.qualityAccepted ? '.' : ' — it may be blurred or turned; retake if in doubt.') + ' Save it, or retake.';
  $('capture-preview').hidden = false;
  setFaceResult('Is this the right face?', '');
  $('capture-save').focus();
}

async function saveCapture() {
  const personId = state.selectedPerson;
  const capture = state.capture;
  if (!capture) return;
  clearCapture();
  try {
    const result = await api(`/persons/${encodeURIComponent(personId)}/capture?captureId=${encodeURIComponent(capture.captureId)}`, { method: 'POST' });
    await showPerson(personId);
    setFaceResult(`Face enrolled from ${capture.camera}: ${result.templateCount} face template(s) now.`, 'good');
  } catch (failure) {
    setFaceResult(`Face refused: ${faceFailure(failure)}. Retake.`, 'bad');
    $('capture-submit').focus();
  }
}

// ---- issue a card ----------------------------------------------------------------------------

async function issueCard() {
  const personId = state.selectedPerson;
  const uid = $('issue-uid').value.trim();
  const until = $('issue-until').value;
  if (!uid || !until) {
    notify('Give the card number and its last day.', 'bad');
    return;
  }
  try {
    const card = await api('/cards', { method: 'POST', body: { uid, person: personId, until } });
    notify(`Card ${card.uid} issued: valid through ${card.lastDay}.`, 'good');
    $('issue-uid').value = '';
    $('issue-until').value = '';
  } catch (failure) {
    const fields = failure.fields ? Object.entries(failure.fields).map(([name, message]) => `${name}: ${message}`).join('; ') : failure.message;
    notify(`Could not issue card ${uid}: ${fields}`, 'bad');
  }
  await showPerson(personId);
}

// ---- access history --------------------------------------------------------------------------

const HISTORY_PAGE = 50;

function historyQuery() {
  const query = new URLSearchParams();
  for (const [key, id] of [['from', 'history-from'], ['to', 'history-to'], ['person', 'history-person'], ['door', 'history-door'], ['reason', 'history-reason']]) {
    const value = $(id).value.trim();
    if (value) query.set(key, value);
  }
  return query;
}

async function searchHistory(before) {
  const query = historyQuery();
  query.set('limit', String(HISTORY_PAGE));
  if (before) query.set('before', String(before));
  let page;
  try {
    page = await api(`/history?${query}`);
  } catch (failure) {
    $('history-summary').textContent = `Search failed: ${failure.message}`;
    return;
  }
  if (!before) state.history.pages = [];
  state.history.pages.push(before || null);
  state.history.next = page.next;
  const rows = page.entries.map((entry) => {
    const kind = entry.reason ? reasonClass({ reasonCode: entry.reason, outcome: entry.outcome, granted: entry.reason.startsWith('GRANTED_'), alerts: [] }) : 'suppressed';
    return el('tr', { 'data-testid': 'history-row', 'data-seq': entry.seq, 'data-reason': entry.reason || '', 'data-person-id': entry.personId || '' },
      el('td', { text: when(entry.occurredAt) }),
      el('td', { text: entry.door || '—' }),
      el('td', {}, entry.reason
        ? el('span', { class: `badge ${kind}`, title: entry.reason, text: REASON_WORDS[entry.reason] || entry.reason })
        : el('code', { text: entry.type })),
      el('td', { text: entry.personId || '' }),
      el('td', { text: entry.cardUid || '' }),
      el('td', { text: entry.detail || '' }));
  });
  $('history-table').tBodies[0].replaceChildren(...rows);
  if (rows.length === 0) {
    $('history-table').tBodies[0].append(el('tr', {}, el('td', { colspan: 6, class: 'subtle', text: 'Nothing matches.' })));
  }
  const pageNumber = state.history.pages.length;
  $('history-summary').textContent = `Page ${pageNumber} · ${page.entries.length} shown, newest first` + (page.next ? '' : ' · the oldest kept');
  $('history-newer').disabled = pageNumber <= 1;
  $('history-older').disabled = !page.next;
}

async function historyNewer() {
  if (state.history.pages.length <= 1) return;
  state.history.pages.pop();
  const before = state.history.pages.pop();
  await searchHistory(before || undefined);
}

async function exportHistory() {
  const query = historyQuery();
  query.set('format', 'csv');
  let response;
  try {
    response = await api(`/history?${query}`, { raw: true });
  } catch (failure) {
    notify(`Could not export the history: ${failure.message}`, 'bad');
    return;
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = (/filename="?([^";]+)"?/.exec(disposition) || [])[1] || 'edgegate-history.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  notify(`History exported as ${name}.`, 'good');
}

function fillHistoryFilters(doors) {
  $('history-door').replaceChildren(el('option', { value: '', text: 'any' }), ...doors.map((door) => el('option', { value: door.name, text: door.name })));
  $('history-reason').replaceChildren(el('option', { value: '', text: 'any' }),
    ...Object.entries(REASON_WORDS).map(([code, words]) => el('option', { value: code, text: words })));
}

// ---- remote unlock -------------------------------------------------------------------------

async function loadDoors() {
  try {
    const doors = await api('/doors');
    $('unlock-door').replaceChildren(...doors.map((door) => el('option', { value: door.name, text: `${door.name} (${door.kind})` })));
    $('unlock-submit').disabled = doors.length === 0;
    fillHistoryFilters(doors);
  } catch (failure) {
    notify(`Could not list doors: ${failure.message}`, 'bad');
  }
}

function askUnlock() {
  const door = $('unlock-door').value;
  const reason = $('unlock-reason').value.trim();
  if (!door || !reason) {
    $('unlock-result').textContent = 'Pick a door and give a reason.';
    return;
  }
  $('unlock-dialog-door').textContent = door;
  $('unlock-dialog-reason').textContent = reason;
  $('unlock-dialog').showModal();
}

async function unlock() {
  const door = $('unlock-door').value;
  const reason = $('unlock-reason').value.trim();
  const result = $('unlock-result');
  result.textContent = `Unlocking ${door}…`;
  result.className = 'notice';
  try {
    const answer = await api(`/doors/${encodeURIComponent(door)}/unlock`, { method: 'POST', body: { reason, confirm: true } });
    result.textContent = `${door}: ${answer.message}`;
    result.className = 'notice good';
    $('unlock-reason').value = '';
  } catch (failure) {
    result.textContent = `${door}: ${failure.message}`;
    result.className = 'notice bad';
  }
}

// ---- events --------------------------------------------------------------------------------

async function searchEvents() {
  const query = new URLSearchParams({ limit: '100' });
  for (const [key, id] of [['lane', 'events-lane'], ['type', 'events-type'], ['q', 'events-text'], ['after', 'events-after']]) {
    const value = $(id).value.trim();
    if (value) query.set(key, value);
  }
  let page;
  try {
    page = await api(`/events?${query}`);
  } catch (failure) {
    $('events-summary').textContent = `Search failed: ${failure.message}`;
    return;
  }
  const rows = page.events.slice().reverse().map((event) => el('tr', { 'data-testid': 'event-row', 'data-seq': event.seq, 'data-type': event.type },
    el('td', { text: event.seq }),
    el('td', { text: when(event.occurredAt) }),
    el('td', {}, el('span', { class: `badge ${event.lane === 'Alert' ? 'alert' : 'suppressed'}`, text: event.lane })),
    el('td', {}, el('code', { text: event.type })),
    el('td', {}, el('code', { text: JSON.stringify(event.payload) }))));
  $('events-table').tBodies[0].replaceChildren(...rows);
  $('events-summary').textContent = `${page.events.length} shown (newest first) · scanned through seq ${page.scannedThrough} of ${page.lastSeq}` +
    (page.more ? ' · more: search again with "After seq" set to the scanned seq' : '');
}

// ---- wiring --------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (token) signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  $('person-search-form').addEventListener('submit', (event) => { event.preventDefault(); searchPersons(); });
  $('person-renew-form').addEventListener('submit', (event) => { event.preventDefault(); renewPerson(); });
  $('events-form').addEventListener('submit', (event) => { event.preventDefault(); searchEvents(); });
  $('unlock-form').addEventListener('submit', (event) => { event.preventDefault(); askUnlock(); });
  $('unlock-cancel').addEventListener('click', () => $('unlock-dialog').close());
  $('unlock-dialog-form').addEventListener('submit', () => { unlock(); });
  $('deregister-cancel').addEventListener('click', () => { state.deregisterTarget = null; $('deregister-dialog').close(); });
  $('deregister-confirm-input').addEventListener('input', () => {
    $('deregister-confirm').disabled = !state.deregisterTarget || $('deregister-confirm-input').value.trim() !== state.deregisterTarget.id;
  });
  $('deregister-form').addEventListener('submit', () => { deregister(); });
  $('add-person').addEventListener('click', openAddPerson);
  $('person-cancel').addEventListener('click', () => $('person-dialog').close());
  $('person-form').addEventListener('submit', (event) => { event.preventDefault(); addPerson(); });
  $('consent-form').addEventListener('submit', (event) => { event.preventDefault(); recordConsent(); });
  $('upload-form').addEventListener('submit', (event) => { event.preventDefault(); uploadPhoto(); });
  $('capture-form').addEventListener('submit', (event) => { event.preventDefault(); captureFace(); });
  $('capture-save').addEventListener('click', saveCapture);
  $('capture-retake').addEventListener('click', captureFace);
  $('issue-form').addEventListener('submit', (event) => { event.preventDefault(); issueCard(); });
  $('history-form').addEventListener('submit', (event) => { event.preventDefault(); searchHistory(); });
  $('history-older').addEventListener('click', () => { if (state.history.next) searchHistory(state.history.next); });
  $('history-newer').addEventListener('click', historyNewer);
  $('history-csv').addEventListener('click', exportHistory);

  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
  else $('token-input').focus();
});
