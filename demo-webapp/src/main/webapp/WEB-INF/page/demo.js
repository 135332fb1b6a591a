// The demo page: plain fetch() calls to the shop's API; every response's headers say what the filters did.
'use strict';

const state = { token: null, user: null, revoked: false, reset: null };
const $ = (id) => document.getElementById(id);

function text(id, value) {
  $(id).textContent = value;
}

function badge(id, value, kind) {
  const el = $(id);
  el.textContent = value;
  el.dataset.state = kind;
}

function logRequest(method, path, status, res, ms) {
  const row = document.createElement('tr');
  const cells = [new Date().toLocaleTimeString(), method + ' ' + path, String(status),
    (res && res.headers.get('X-Cache')) || '', (res && res.headers.get('X-RateLimit-Remaining')) || '', String(ms)];
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    row.appendChild(td);
  }
  row.children[3].className = cells[3].toLowerCase();
  row.className = status >= 500 ? 'bad' : status >= 400 ? 'warn' : '';
  const log = $('log');
  log.insertBefore(row, log.firstChild);
  while (log.children.length > 10) {
    log.removeChild(log.lastChild);
  }
}

/** Calls the API, records the rate-limit headers and the request, returns {status, body, res, ms}. */
async function api(method, path, body, useToken) {
  const headers = {};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (useToken && state.token) {
    headers['Authorization'] = 'Bearer ' + state.token;
  }
  const started = performance.now();
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    logRequest(method, '/' + path, 'network error', null, 0);
    return { status: 0, body: null, res: null, ms: 0 };
  }
  const ms = Math.round(performance.now() - started);
  const raw = await res.text();
  let parsed = null;
  try {
    parsed = raw ? JSON.parse(raw) : null;
  } catch (e) {
    parsed = raw;
  }
  showLimits(path, method, res);
  logRequest(method, '/' + path, res.status, res, ms);
  return { status: res.status, body: parsed, res, ms };
}

function showLimits(path, method, res) {
  const limit = res.headers.get('X-RateLimit-Limit');
  const remaining = res.headers.get('X-RateLimit-Remaining');
  const reset = res.headers.get('X-RateLimit-Reset');
  if (limit === null || remaining === null) {
    return;
  }
  if (path === 'api/auth/login' && method === 'POST') {
    text('login-limit', limit);
    text('login-remaining', remaining);
    return;
  }
  text('rl-limit', limit);
  text('rl-remaining', remaining);
  $('rl-bar').style.width = Math.max(0, Math.min(100, 100 * Number(remaining) / Number(limit))) + '%';
  $('rl-bar').dataset.state = Number(remaining) === 0 ? 'empty' : Number(remaining) < Number(limit) / 5 ? 'low' : 'ok';
  state.reset = reset === null ? null : Number(reset);
  tickReset();
}

function tickReset() {
  if (state.reset === null) {
    return;
  }
  const seconds = Math.max(0, Math.round(state.reset - Date.now() / 1000));
  text('rl-reset', 'in ' + seconds + ' s (' + new Date(state.reset * 1000).toLocaleTimeString() + ')');
}

function problem(r) {
  if (r.body && typeof r.body === 'object' && r.body.detail) {
    return r.status + ' ' + r.body.detail;
  }
  return String(r.status);
}

async function health() {
  try {
    const res = await fetch('health', { cache: 'no-store' });
    const body = await res.json();
    badge('health', body.redis, body.redis === 'UP' ? 'up' : 'down');
  } catch (e) {
    badge('health', 'no answer', 'down');
  }
}

async function fetchProduct() {
  const id = $('product-id').value;
  const r = await api('GET', id ? 'api/products/' + id : 'api/products');
  const cache = r.res && r.res.headers.get('X-Cache');
  badge('x-cache', cache || 'none', (cache || 'none').toLowerCase());
  const age = r.res && r.res.headers.get('Age');
  text('fetch-time', r.ms + ' ms' + (age !== null && age !== undefined ? ' · Age ' + age + ' s' : ''));
  text('product-json', r.status === 200 ? JSON.stringify(r.body, null, 1) : problem(r));
}

async function createProduct(event) {
  event.preventDefault();
  const price = Number($('new-price').value);
  const r = await api('POST', 'api/products', { name: $('new-name').value, price }, true);
  text('create-result', r.status === 201
    ? 'Created #' + r.body.id + ': cached /api/products* entries were purged, the next fetch is a MISS.'
    : 'Not created: ' + problem(r));
}

function showCart(body) {
  const list = $('cart-items');
  list.replaceChildren();
  const items = (body && body.items) || [];
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'empty';
    list.appendChild(li);
  }
  for (const item of items) {
    const li = document.createElement('li');
    const qty = document.createElement('b');
    qty.textContent = item.qty + ' × ';
    li.appendChild(qty);
    li.appendChild(document.createTextNode(item.sku));
    list.appendChild(li);
  }
  text('cart-total', String((body && body.totalQty) || 0));
}

async function addToCart() {
  const r = await api('POST', 'api/cart', { sku: $('cart-sku').value, qty: Number($('cart-qty').value) });
  if (r.status === 200) {
    showCart(r.body);
  } else {
    text('cart-total', problem(r));
  }
}

async function reloadCart() {
  const r = await api('GET', 'api/cart');
  if (r.status === 200) {
    showCart(r.body);
  }
}

function showAuth() {
  const el = $('auth-status');
  if (!state.token) {
    el.textContent = 'Not logged in.';
    el.dataset.state = 'anonymous';
  } else if (state.revoked) {
    el.textContent = 'Token of ' + state.user + ' revoked: the blacklist now refuses it on every server.';
    el.dataset.state = 'revoked';
  } else {
    el.textContent = 'Logged in as ' + state.user + ' · token …' + state.token.slice(-10) + ' (valid 15 min)';
    el.dataset.state = 'logged-in';
  }
}

async function login(event) {
  event.preventDefault();
  const user = $('username').value;
  const r = await api('POST', 'api/auth/login', { username: user, password: $('password').value });
  if (r.status === 200) {
    state.token = r.body.token;
    state.user = user;
    state.revoked = false;
    showAuth();
    text('me-result', '200: logged in, session id changed.');
    reloadCart();
  } else {
    text('me-result', 'Login refused: ' + problem(r) + (r.status === 429 ? ' (try again in ' + r.res.headers.get('Retry-After') + ' s)' : ''));
  }
}

async function whoami() {
  const r = await api('GET', 'api/me', undefined, true);
  const challenge = r.res && r.res.headers.get('WWW-Authenticate');
  text('me-result', r.status === 200 ? '200 ' + JSON.stringify(r.body)
    : problem(r) + (challenge ? ' · WWW-Authenticate: ' + challenge : ''));
  $('me-result').dataset.status = String(r.status);
}

async function logout(all) {
  const r = await api('POST', all ? 'api/auth/logout-all' : 'api/auth/logout', undefined, true);
  if (r.status === 204) {
    state.revoked = true;
    showAuth();
    text('me-result', (all ? 'Every token and session of ' + state.user + ' revoked.' : 'Token revoked, session ended.')
      + ' Try "Who am I?" with it.');
    showCart(null);
  } else {
    text('me-result', 'Logout refused: ' + problem(r));
  }
}

async function burst() {
  for (let i = 0; i < 10; i++) {
    await api('GET', 'api/cart');
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('fetch-product').addEventListener('click', fetchProduct);
  $('new-product').addEventListener('submit', createProduct);
  $('add-to-cart').addEventListener('click', addToCart);
  $('reload-cart').addEventListener('click', reloadCart);
  $('login-form').addEventListener('submit', login);
  $('whoami').addEventListener('click', whoami);
  $('logout').addEventListener('click', () => logout(false));
  $('logout-all').addEventListener('click', () => logout(true));
  $('burst').addEventListener('click', burst);
  health();
  setInterval(health, 3000);
  setInterval(tickReset, 1000);
  reloadCart();
});
