/*
 * prehash_signer.c: sign a precomputed digest with the OpenSSL that Node itself bundles.
 *
 * Why this exists: Node 20 cannot sign a ready digest with ECDSA (crypto.sign hashes its input
 * again), and the pure-JS route is 20-40x slower than OpenSSL. Node exports its OpenSSL symbols
 * to addons, so a few calls to EVP_PKEY_sign give OpenSSL's constant-time implementations
 * without shipping a second copy of OpenSSL and without any curve arithmetic of our own.
 *
 * The module exports three functions; index.cjs wraps them in the public API:
 *   loadKey(pkcs8Der)                         -> opaque handle (type-tagged, owns an EVP_PKEY*)
 *   sign(handle, scheme, hash, digest)        -> Buffer
 *   signAsync(handle, scheme, hash, digest)   -> Promise<Buffer>, signs on libuv's thread pool
 *
 * Errors are JS Errors with a stable `code`, listed in index.d.ts.
 */
#include <node_api.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest signature OpenSSL can make: RSA with its 16384-bit modulus limit. ECDSA P-521 DER
 * is at most 139 bytes. A fixed bound lets the sync path sign into a stack buffer. */
#define MAX_SIG_LEN 2048

typedef enum { SCHEME_PKCS1, SCHEME_PSS, SCHEME_ECDSA, SCHEME_COUNT } scheme_t;
typedef enum { HASH_SHA256, HASH_SHA384, HASH_SHA512, HASH_COUNT } hash_t;
typedef enum { KIND_RSA, KIND_EC } key_kind_t;

typedef struct {
  EVP_PKEY *pkey;
  key_kind_t kind;
  /* One initialised context per (scheme, hash), made on first use and only ever touched on the
   * JS thread. Each signature signs with a duplicate: EVP_PKEY_CTX_dup is ~13% faster per P-256
   * signature than a new context + init + parameters (provider look-ups), and a duplicate
   * belongs to one call, so it can travel to a pool thread. */
  EVP_PKEY_CTX *templates[SCHEME_COUNT][HASH_COUNT];
} native_key;

/* Marks handles made by loadKey, so sign() never unwraps some other addon's pointer. */
static const napi_type_tag KEY_TAG = {0x5349474e45545f4bULL, 0x45595f48414e444cULL};

typedef struct {
  const char *code; /* NULL when there is no error */
  char message[200];
} sign_error;

static void set_error(sign_error *err, const char *code, const char *message) {
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s", message);
}

/* Like set_error, but appends OpenSSL's reason for the failure, if it gave one. */
static void set_openssl_error(sign_error *err, const char *code, const char *what) {
  char reason[120] = "no detail from OpenSSL";
  unsigned long e = ERR_peek_last_error();
  if (e != 0) ERR_error_string_n(e, reason, sizeof reason);
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s: %s", what, reason);
}

static napi_value make_error(napi_env env, const sign_error *err) {
  napi_value code, message, error;
  napi_create_string_utf8(env, err->code, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, err->message, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  return error;
}

static napi_value throw_error(napi_env env, const sign_error *err) {
  napi_throw(env, make_error(env, err));
  return NULL;
}

/*
 * ERR_set_mark/ERR_pop_to_mark around every OpenSSL call below leave the thread's OpenSSL error
 * queue as we found it: Node's own crypto reads that queue on the JS thread.
 */

/* Makes the initialised context for one (scheme, hash) of a key; NULL if OpenSSL refuses. */
static EVP_PKEY_CTX *make_template(EVP_PKEY *pkey, scheme_t scheme, const EVP_MD *md) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
  int ok = ctx != NULL && EVP_PKEY_sign_init(ctx) > 0;
  if (ok && scheme != SCHEME_ECDSA) {
    ok = EVP_PKEY_CTX_set_rsa_padding(
             ctx, scheme == SCHEME_PSS ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) > 0;
  }
  /* For PKCS#1 v1.5 the signature md makes OpenSSL wrap the digest in its DigestInfo; for every
   * scheme it also makes OpenSSL re-check the digest length. */
  ok = ok && EVP_PKEY_CTX_set_signature_md(ctx, md) > 0;
  if (ok && scheme == SCHEME_PSS) {
    /* RFC 8017's recommendation and what verifiers assume: salt length = hash length, MGF1 with
     * the same hash. */
    ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) > 0;
  }
  if (!ok) {
    EVP_PKEY_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

/* Returns a context ready for EVP_PKEY_sign, owned by the caller; NULL (with err set) on error.
 * JS thread only. The duplicate holds its own reference to the EVP_PKEY, so the key stays alive
 * while a job on the pool uses it, even if the JS handle is finalized meanwhile. */
static EVP_PKEY_CTX *new_sign_ctx(native_key *key, scheme_t scheme, hash_t hash,
                                  const EVP_MD *md, sign_error *err) {
  EVP_PKEY_CTX **template = &key->templates[scheme][hash];
  EVP_PKEY_CTX *ctx = NULL;
  ERR_set_mark();
  if (*template == NULL) *template = make_template(key->pkey, scheme, md);
  if (*template != NULL) ctx = EVP_PKEY_CTX_dup(*template);
  if (ctx == NULL) set_openssl_error(err, "SIGN_FAILED", "OpenSSL refused the signing parameters");
  ERR_pop_to_mark();
  return ctx;
}

/* The signing itself; frees ctx. Touches no napi state: runs on the JS thread and on pool
 * threads alike (the EVP_PKEY is only read, which OpenSSL allows from several threads). */
static int sign_digest(EVP_PKEY_CTX *ctx, const unsigned char *digest, size_t digest_len,
                       unsigned char *sig, size_t *sig_len, sign_error *err) {
  ERR_set_mark();
  *sig_len = MAX_SIG_LEN;
  int ok = EVP_PKEY_sign(ctx, sig, sig_len, digest, digest_len) > 0;
  if (!ok) set_openssl_error(err, "SIGN_FAILED", "OpenSSL could not sign the digest");
  EVP_PKEY_CTX_free(ctx);
  ERR_pop_to_mark();
  return ok;
}

/* ---- argument parsing: everything is checked here, before any work is queued ---- */

typedef struct {
  native_key *key;
  scheme_t scheme;
  hash_t hash;
  const EVP_MD *md;
  const unsigned char *digest; /* points into the caller's Uint8Array */
  size_t digest_len;
} sign_args;

static int get_bytes(napi_env env, napi_value value, const unsigned char **data, size_t *len) {
  bool is_typed_array = false;
  napi_typedarray_type type;
  void *ptr;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return 0;
  /* The returned pointer already includes the view's byte offset. */
  if (napi_get_typedarray_info(env, value, &type, len, &ptr, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = ptr;
  return 1;
}

static int get_name(napi_env env, napi_value value, char *buf, size_t size) {
  size_t len;
  return napi_get_value_string_utf8(env, value, buf, size, &len) == napi_ok && len < size - 1;
}

static int parse_sign_args(napi_env env, napi_callback_info info, sign_args *out,
                           sign_error *err) {
  size_t argc = 4;
  napi_value argv[4];
  bool is_key = false;
  char scheme[8], hash[8];
  void *key = NULL;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4 || napi_check_object_type_tag(env, argv[0], &KEY_TAG, &is_key) != napi_ok ||
      !is_key || napi_unwrap(env, argv[0], &key) != napi_ok) {
    set_error(err, "INVALID_ARGUMENT", "expected a key handle made by loadKey");
    return 0;
  }
  out->key = key;

  if (!get_name(env, argv[1], scheme, sizeof scheme) ||
      !get_name(env, argv[2], hash, sizeof hash)) {
    set_error(err, "UNSUPPORTED_ALGORITHM", "scheme and hash must be known names");
    return 0;
  }
  if (strcmp(scheme, "pkcs1") == 0) out->scheme = SCHEME_PKCS1;
  else if (strcmp(scheme, "pss") == 0) out->scheme = SCHEME_PSS;
  else if (strcmp(scheme, "ecdsa") == 0) out->scheme = SCHEME_ECDSA;
  else {
    set_error(err, "UNSUPPORTED_ALGORITHM", "scheme must be 'pkcs1', 'pss' or 'ecdsa'");
    return 0;
  }
  if (strcmp(hash, "sha256") == 0) out->hash = HASH_SHA256, out->md = EVP_sha256();
  else if (strcmp(hash, "sha384") == 0) out->hash = HASH_SHA384, out->md = EVP_sha384();
  else if (strcmp(hash, "sha512") == 0) out->hash = HASH_SHA512, out->md = EVP_sha512();
  else {
    set_error(err, "UNSUPPORTED_ALGORITHM", "hash must be 'sha256', 'sha384' or 'sha512'");
    return 0;
  }

  if (!get_bytes(env, argv[3], &out->digest, &out->digest_len)) {
    set_error(err, "INVALID_ARGUMENT", "digest must be a Uint8Array");
    return 0;
  }
  if ((out->scheme == SCHEME_ECDSA) != (out->key->kind == KIND_EC)) {
    set_error(err, "ALGORITHM_KEY_MISMATCH",
              out->key->kind == KIND_EC ? "an EC key signs only with 'ecdsa'"
                                        : "an RSA key signs only with 'pkcs1' or 'pss'");
    return 0;
  }
  if (out->digest_len != (size_t)EVP_MD_get_size(out->md)) {
    snprintf(err->message, sizeof err->message, "a %s digest is %d bytes, got %zu", hash,
             EVP_MD_get_size(out->md), out->digest_len);
    err->code = "DIGEST_LENGTH_MISMATCH";
    return 0;
  }
  return 1;
}

/* ---- loadKey ---- */

static void finalize_key(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  native_key *key = data;
  for (int s = 0; s < SCHEME_COUNT; s++) {
    for (int h = 0; h < HASH_COUNT; h++) EVP_PKEY_CTX_free(key->templates[s][h]);
  }
  EVP_PKEY_free(key->pkey); /* OpenSSL clears private key material when it frees it */
  free(key);
}

/* Only the curves Signet signs with; OpenSSL would accept many more. */
static int supported_curve(EVP_PKEY *pkey) {
  char name[32];
  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, NULL) != 1) return 0;
  return strcmp(name, "prime256v1") == 0 || strcmp(name, "secp384r1") == 0 ||
         strcmp(name, "secp521r1") == 0;
}

static napi_value load_key(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, handle;
  const unsigned char *der, *p;
  size_t der_len;
  sign_error err = {0};

  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc < 1 || !get_bytes(env, arg, &der, &der_len)) {
    set_error(&err, "INVALID_ARGUMENT", "pkcs8Der must be a Uint8Array");
    return throw_error(env, &err);
  }

  /* Parse straight from the caller's bytes, so no copy of the key exists in our memory. The
   * PKCS8 structure holds one copy of the private octets; OpenSSL cleanses them when freed. */
  ERR_set_mark();
  p = der;
  PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)der_len);
  EVP_PKEY *pkey = p8 != NULL && p == der + der_len ? EVP_PKCS82PKEY(p8) : NULL;
  PKCS8_PRIV_KEY_INFO_free(p8);
  ERR_pop_to_mark();

  native_key *key = NULL;
  if (pkey == NULL) {
    set_error(&err, "INVALID_KEY", "not a PKCS#8 DER private key");
  } else if (EVP_PKEY_is_a(pkey, "RSA")) { /* rsaEncryption; RSASSA-PSS-only keys are refused */
    if (EVP_PKEY_get_size(pkey) > MAX_SIG_LEN) set_error(&err, "INVALID_KEY", "RSA key too large");
  } else if (!EVP_PKEY_is_a(pkey, "EC") || !supported_curve(pkey)) {
    set_error(&err, "INVALID_KEY", "key must be RSA or EC on P-256, P-384 or P-521");
  }
  if (err.code == NULL && (key = calloc(1, sizeof *key)) == NULL) {
    set_error(&err, "INTERNAL", "out of memory");
  }
  if (err.code != NULL) {
    EVP_PKEY_free(pkey);
    return throw_error(env, &err);
  }
  key->pkey = pkey;
  key->kind = EVP_PKEY_is_a(pkey, "RSA") ? KIND_RSA : KIND_EC;

  if (napi_create_object(env, &handle) != napi_ok ||
      napi_type_tag_object(env, handle, &KEY_TAG) != napi_ok ||
      napi_wrap(env, handle, key, finalize_key, NULL, NULL) != napi_ok) {
    finalize_key(env, key, NULL);
    set_error(&err, "INTERNAL", "could not create the key handle");
    return throw_error(env, &err);
  }
  return handle;
}

/* ---- sign (synchronous, on the JS thread) ---- */

static napi_value sign_sync(napi_env env, napi_callback_info info) {
  sign_args args;
  sign_error err = {0};
  unsigned char sig[MAX_SIG_LEN];
  size_t sig_len;
  napi_value result;
  EVP_PKEY_CTX *ctx;

  if (!parse_sign_args(env, info, &args, &err) ||
      (ctx = new_sign_ctx(args.key, args.scheme, args.hash, args.md, &err)) == NULL ||
      !sign_digest(ctx, args.digest, args.digest_len, sig, &sig_len, &err)) {
    return throw_error(env, &err);
  }
  napi_create_buffer_copy(env, sig_len, sig, NULL, &result);
  return result;
}

/* ---- signAsync (on libuv's thread pool) ---- */

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  EVP_PKEY_CTX *ctx; /* this job's own context; freed by sign_digest */
  unsigned char digest[EVP_MAX_MD_SIZE]; /* copied: JS may change its array meanwhile */
  size_t digest_len;
  unsigned char sig[MAX_SIG_LEN];
  size_t sig_len;
  sign_error err;
} sign_job;

static void execute_job(napi_env env, void *data) {
  (void)env; /* must not touch napi here: this is a pool thread */
  sign_job *job = data;
  sign_digest(job->ctx, job->digest, job->digest_len, job->sig, &job->sig_len, &job->err);
  job->ctx = NULL;
}

static void complete_job(napi_env env, napi_status status, void *data) {
  sign_job *job = data;
  napi_value result;
  if (status != napi_ok && job->err.code == NULL) {
    set_error(&job->err, "SIGN_FAILED", "the signing job was cancelled");
  }
  if (job->err.code == NULL) {
    napi_create_buffer_copy(env, job->sig_len, job->sig, NULL, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_reject_deferred(env, job->deferred, make_error(env, &job->err));
  }
  napi_delete_async_work(env, job->work);
  EVP_PKEY_CTX_free(job->ctx); /* only non-NULL if the job never ran */
  free(job);
}

static napi_value sign_async(napi_env env, napi_callback_info info) {
  sign_args args;
  sign_error err = {0};
  napi_value promise, name;

  if (!parse_sign_args(env, info, &args, &err)) return throw_error(env, &err);
  sign_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    set_error(&err, "INTERNAL", "out of memory");
    return throw_error(env, &err);
  }
  /* The context is made here, on the JS thread; the pool thread only signs with it. It keeps the
   * EVP_PKEY alive by itself (a counted reference, which unlike a napi_ref on the handle also
   * holds if the handle is finalized while the job runs, e.g. at environment teardown). */
  if ((job->ctx = new_sign_ctx(args.key, args.scheme, args.hash, args.md, &err)) == NULL) {
    free(job);
    return throw_error(env, &err);
  }
  memcpy(job->digest, args.digest, args.digest_len);
  job->digest_len = args.digest_len;

  napi_create_string_utf8(env, "signet:prehash-sign", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute_job, complete_job, job, &job->work) !=
          napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    EVP_PKEY_CTX_free(job->ctx);
    free(job); /* out of memory, in practice; the promise (if made) is left unsettled */
    set_error(&err, "INTERNAL", "could not queue the signing job");
    return throw_error(env, &err);
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"loadKey", NULL, load_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sign", NULL, sign_sync, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signAsync", NULL, sign_async, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
