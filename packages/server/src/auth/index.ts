/**
 * How people, CI, services and agents prove who they are; each way yields an SDK `Principal`.
 * @module
 */
export { createJwtAuthenticator, customFetch } from './jwt.js';
export type { IssuerConfig, JwtAuthenticator, JwtAuthenticatorOptions } from './jwt.js';
export { GITHUB_ACTIONS_ISSUER, workflowPath } from './jwt-principal.js';
export { createApiTokens } from './api-tokens.js';
export type { ApiTokenInfo, ApiTokens, CreateApiTokenParams } from './api-tokens.js';
export { createAgentCa } from './agent-ca.js';
export type { AgentCa, AgentCaOptions } from './agent-ca.js';
export { createAgents } from './agents.js';
export type { AgentCertificate, AgentInfo, Agents, AgentsOptions } from './agents.js';
export { authenticate, peerCertificate } from './middleware.js';
export type { AuthEnv, AuthVariables, AuthenticateOptions } from './middleware.js';
export { authMigration } from './migration.js';
export type { AuthTables } from './tables.js';
