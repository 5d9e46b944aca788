// What a node's ephemeralOwner means (the reference's EphemeralType). Containers are marked by the
// owner 0x8000000000000000 always; TTL nodes (0xFF in the high byte, two zero feature bytes, the TTL
// in ms below) only when extended types are enabled, otherwise such an owner reads as a session.

export const EphemeralType = {
  /** Not ephemeral (owner 0). */
  VOID: 'void',
  /** Owned by a session. */
  NORMAL: 'normal',
  CONTAINER: 'container',
  TTL: 'ttl',
} as const;
export type EphemeralTypeValue = (typeof EphemeralType)[keyof typeof EphemeralType];

/** The owner stored for container nodes (Long.MIN_VALUE). */
export const CONTAINER_EPHEMERAL_OWNER = -0x8000000000000000n;

const EXTENDED_MASK = -0x100000000000000n; // 0xff00000000000000 as a signed long
const RESERVED_BITS_MASK = 0x00ffff0000000000n;
const RESERVED_BITS_SHIFT = 40n;
const EXTENDED_BIT_TTL = 0n;
/** Largest TTL in ms: the five low bytes. */
export const TTL_MAX_MS = 0xffffffffffn;

export class InvalidEphemeralOwnerError extends Error {
  override readonly name = 'InvalidEphemeralOwnerError';
  readonly code = 'TREE_INVALID_EPHEMERAL_OWNER';
}

/** Classifies a stored ephemeralOwner; throws for an extended owner with an unknown feature (as the reference). */
export function ephemeralTypeOf(owner: bigint, extendedTypesEnabled: boolean): EphemeralTypeValue {
  if (extendedTypesEnabled && (owner & EXTENDED_MASK) === EXTENDED_MASK) {
    const feature = (owner & RESERVED_BITS_MASK) >> RESERVED_BITS_SHIFT;
    if (feature !== EXTENDED_BIT_TTL) {
      throw new InvalidEphemeralOwnerError(`invalid ephemeralOwner 0x${BigInt.asUintN(64, owner).toString(16)}`);
    }
    return EphemeralType.TTL;
  }
  if (owner === CONTAINER_EPHEMERAL_OWNER) return EphemeralType.CONTAINER;
  return owner === 0n ? EphemeralType.VOID : EphemeralType.NORMAL;
}

/** The stored owner of a TTL node; throws unless 1 <= ttl <= TTL_MAX_MS (the request layer checks first). */
export function ttlToEphemeralOwner(ttlMs: bigint): bigint {
  if (ttlMs <= 0n || ttlMs > TTL_MAX_MS) {
    throw new RangeError(`ttl must be positive and cannot be larger than: ${TTL_MAX_MS}`);
  }
  return EXTENDED_MASK | (EXTENDED_BIT_TTL << RESERVED_BITS_SHIFT) | ttlMs;
}

/** The TTL in ms carried by a TTL node's owner. */
export function ttlOfEphemeralOwner(owner: bigint): bigint {
  return owner & TTL_MAX_MS;
}

/** What clients see in Stat.ephemeralOwner: only session owners are shown, containers and TTL nodes read 0. */
export function clientEphemeralOwner(owner: bigint, extendedTypesEnabled: boolean): bigint {
  return ephemeralTypeOf(owner, extendedTypesEnabled) === EphemeralType.NORMAL ? owner : 0n;
}
