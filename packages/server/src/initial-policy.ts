/**
 * The policy a new server starts with: admins (the bootstrap token) and holders of the `signer`
 * role (API tokens created with it) may sign with every key. Replace it with `PUT /v1/policy`.
 */
export const INITIAL_POLICY = `# Initial policy of a new Signet server: replace it with PUT /v1/policy.
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
`;
