{
  # One C file, no node-addon-api. OpenSSL comes from the running Node process: its headers are in
  # Node's include folder (found by node-gyp), its symbols are exported by the node binary, so
  # nothing links against a system libcrypto.
  "targets": [
    {
      "target_name": "prehash_signer",
      "sources": ["src/prehash_signer.c"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_NO_DEPRECATED"],
      "cflags_c": ["-std=c11", "-Wall", "-Wextra", "-O2"],
      "conditions": [
        ["OS=='linux'", {
          # Resolve every OpenSSL symbol when the addon loads. Node dlopens lazily, so without this
          # a node binary that does not export a symbol would kill the process at the first call
          # instead of failing require() (which index.cjs turns into `available: false`).
          "ldflags": ["-Wl,-z,now"]
        }]
      ]
    }
  ]
}
