// Signing acts with the person's own key, made and kept in this browser and never sent
// anywhere: an Ed25519 key pair from WebCrypto, its private half not extractable, stored in
// IndexedDB under the account it belongs to. Loaded only on pages with an act to sign.
//
// A form that publishes an act holds a hidden <div data-act> with the act's statement (the
// bytes the rules check, base64), the account and its key ids in force, and the inputs
// act_key and act_sig. If this browser holds one of those keys, submitting signs the
// statement and fills them; if not, the form goes unsigned and the server explains.
// The keys page's form #register-key makes a key and registers it.
(function () {
  'use strict';
  if (!window.crypto || !crypto.subtle || !window.indexedDB) { return; }
  var DB = 'dauys-signing';
  var STORE = 'keys';

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function store(mode) {
    var open = indexedDB.open(DB, 1);
    open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
    return request(open).then(function (db) { return db.transaction(STORE, mode).objectStore(STORE); });
  }
  // Keys are stored as "<account> <key id>" → {keys: CryptoKeyPair, id}.
  function held(account) {
    return store('readonly').then(function (s) {
      return request(s.getAll(IDBKeyRange.bound(account + ' ', account + ' \uffff')));
    });
  }
  function keep(account, id, keys) {
    return store('readwrite').then(function (s) { return request(s.put({ keys: keys, id: id }, account + ' ' + id)); });
  }
  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }
  function unbase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function utf8(text) { return new TextEncoder().encode(text); }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  // A key's id: the first 8 bytes of SHA-256 of its public bytes, in hex (SPEC §3.2).
  function keyId(publicRaw) {
    return crypto.subtle.digest('SHA-256', publicRaw).then(function (d) { return hex(new Uint8Array(d).slice(0, 8)); });
  }
  function sign(privateKey, bytes) {
    return crypto.subtle.sign({ name: 'Ed25519' }, privateKey, bytes).then(base64);
  }
  // The key this browser holds among `inForce` (ids), if any.
  function usable(account, inForce) {
    return held(account).then(function (all) {
      return all.filter(function (k) { return inForce.indexOf(k.id) >= 0; })[0] || null;
    });
  }
  function fill(act, id, sig) {
    act.querySelector('[name=act_key]').value = id;
    act.querySelector('[name=act_sig]').value = sig;
  }
  function ids(act) { return (act.getAttribute('data-keys') || '').split(' ').filter(Boolean); }

  // Shows which key this browser holds, where the page has a place for it.
  var status = document.getElementById('browser-key');
  if (status) {
    usable(status.getAttribute('data-account'), ids(status)).then(function (k) {
      if (k) {
        status.querySelector('code').textContent = k.id;
        status.hidden = false;
      }
    });
  }

  // Forms that publish an act: sign its statement on the way out.
  Array.prototype.forEach.call(document.querySelectorAll('form [data-act]'), function (act) {
    var form = act.closest('form');
    var signed = false;
    form.addEventListener('submit', function (event) {
      var submitter = event.submitter;
      var wanted = act.getAttribute('data-step');
      if (signed || (wanted && !(submitter && submitter.value === wanted))) { return; }
      event.preventDefault();
      usable(act.getAttribute('data-account'), ids(act))
        .then(function (k) {
          if (!k) { return; }
          return sign(k.keys.privateKey, unbase64(act.getAttribute('data-act'))).then(function (sig) { fill(act, k.id, sig); });
        })
        .catch(function () {})
        .then(function () {
          signed = true;
          form.requestSubmit(submitter || undefined);
        });
    });
  });

  // The keys page: make a key in this browser and register it.
  var register = document.getElementById('register-key');
  if (register) {
    var act = register.querySelector('[data-register]');
    var account = act.getAttribute('data-account');
    register.querySelector('button[type=submit]').disabled = false;
    var ready = false;
    register.addEventListener('submit', function (event) {
      if (ready) { return; }
      event.preventDefault();
      var keys;
      var key;
      var id;
      crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
        .then(function (made) {
          keys = made;
          return crypto.subtle.exportKey('raw', keys.publicKey);
        })
        .then(function (raw) {
          key = base64(raw);
          return keyId(raw);
        })
        .then(function (made) {
          id = made;
          // Proof that the holder of the key registers it for this account (SPEC §3.2).
          return sign(keys.privateKey, utf8('dauys-signer/v1\n' + account + '\n' + key + '\n'));
        })
        .then(function (proof) {
          register.querySelector('[name=key]').value = key;
          register.querySelector('[name=proof]').value = proof;
          // A second key is an act signed with a first: the statement is the event's
          // canonical JSON, its members in order and none needing an escape.
          var statement = 'dauys-act/v1\n' +
            JSON.stringify({ account: account, key: key, proof: proof, type: 'signer.registered' });
          return usable(account, ids(act)).then(function (k) {
            if (k) { return sign(k.keys.privateKey, utf8(statement)).then(function (sig) { fill(act, k.id, sig); }); }
          });
        })
        .then(function () { return keep(account, id, keys); })
        .then(function () {
          ready = true;
          register.requestSubmit();
        })
        .catch(function (e) {
          var failed = document.getElementById('key-failed');
          failed.hidden = false;
          failed.querySelector('code').textContent = String(e && e.message || e);
        });
    });
  }
})();
