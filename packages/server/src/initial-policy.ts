/**
 * The policy a new server starts with: admins (the bootstrap token) and holders of the `signer`
 * role (API tokens created with it) may sign with every key but the server's own: the audit key
 * signs only checkpoints and the agent CA key only agent certificates. Replace it with
 * `PUT /v1/policy`.
 */
export function initialPolicy(internalKeys: readonly string[]): string {
  return `# Initial policy of a new Signet server: replace it with PUT /v1/policy.
version: 1
revision: "initial-1"
roles:
  # Granted by the authenticator itself: the bootstrap token holds admin, API tokens their roles.
  - role: admin
  - role: signer
rules:
  - name: admins-and-signers
    description: the bootstrap admin token and API tokens with the signer role sign with every key
    allow: { roles: [admin, signer] }
  - name: server-keys
    description: the server's own keys sign checkpoints and agent certificates, never artifacts
    deny: { keys: [${internalKeys.map((k) => JSON.stringify(k)).join(', ')}] }
`;
}
