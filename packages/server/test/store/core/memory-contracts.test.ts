import { describe } from 'vitest';
import { createMemoryApprovalStore, createMemoryIdempotencyStore, createMemoryUsageStore } from '@signet/sdk/signing';
import { approvalStoreContract } from './approval-contract.js';
import { idempotencyStoreContract } from './idempotency-contract.js';
import { usageStoreContract } from './usage-contract.js';

// The reference: the contracts must hold for the SDK's memory stores, or they test the wrong thing.
describe('the SDK memory stores', () => {
  describe('UsageStore', () => usageStoreContract(async () => createMemoryUsageStore()));
  describe('ApprovalStore', () => approvalStoreContract(async () => createMemoryApprovalStore()));
  describe('IdempotencyStore', () => idempotencyStoreContract(async () => createMemoryIdempotencyStore()));
});
