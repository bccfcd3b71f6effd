'use strict';
// Public API of @signet/native-signer. The addon is optional: when it was not built (no compiler
// at install time) or cannot load (a Node that does not export OpenSSL), `available` is false and
// callers use their pure-JS route instead. Nothing here throws at import time.

let binding = null;
let loadError;
try {
  binding = require('./build/Release/prehash_signer.node');
} catch (error) {
  loadError = error;
}

const kHandle = Symbol('handle');

class NativePrivateKey {
  constructor(handle) {
    // The handle is an opaque native object; the key bytes themselves stay in OpenSSL's memory.
    Object.defineProperty(this, kHandle, { value: handle });
    Object.freeze(this);
  }

  sign(scheme, hash, digest) {
    return binding.sign(this[kHandle], scheme, hash, digest);
  }

  // async: argument errors become rejections, like every other failure.
  async signAsync(scheme, hash, digest) {
    return binding.signAsync(this[kHandle], scheme, hash, digest);
  }

  get [Symbol.toStringTag]() {
    return 'NativePrivateKey';
  }
}

function loadPrivateKey(pkcs8Der) {
  if (binding === null) {
    const error = new Error('@signet/native-signer: the native addon is not available', {
      cause: loadError,
    });
    error.code = 'UNAVAILABLE';
    throw error;
  }
  return new NativePrivateKey(binding.loadKey(pkcs8Der));
}

exports.available = binding !== null;
exports.loadError = loadError;
exports.loadPrivateKey = loadPrivateKey;
