import type { Slot } from 'graphene-pk11';
import type { LoadedLibrary } from './library.js';

/** What the provider knows about its library, slot and token, to match URI attributes against. */
export interface TokenIdentity {
  readonly libraryManufacturer: string;
  readonly libraryDescription: string;
  readonly libraryVersion: { major: number; minor: number };
  readonly slotManufacturer: string;
  readonly slotDescription: string;
  readonly slotId: number;
  readonly manufacturer: string;
  readonly model: string;
  readonly serial: string;
  readonly token: string;
}

/** Reads the identity of the token in `slot` (C_GetInfo, C_GetSlotInfo, C_GetTokenInfo). */
export function identityOf(library: LoadedLibrary, slot: Slot): TokenIdentity {
  const info = library.module.lib.C_GetInfo();
  const token = slot.getToken();
  const handle = slot.handle;
  return {
    libraryManufacturer: trimPadding(info.manufacturerID),
    libraryDescription: trimPadding(info.libraryDescription),
    libraryVersion: { major: info.libraryVersion.major, minor: info.libraryVersion.minor },
    slotManufacturer: slot.manufacturerID,
    slotDescription: slot.slotDescription,
    slotId: Number(handle.length >= 8 ? handle.readBigUInt64LE(0) : handle.readUInt32LE(0)),
    manufacturer: token.manufacturerID,
    model: token.model,
    serial: token.serialNumber,
    token: token.label,
  };
}

function trimPadding(text: string): string {
  return text.replace(/\0.*$/s, '').trim();
}
