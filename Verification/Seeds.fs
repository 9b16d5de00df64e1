namespace MeanField.Verification

open System.Text

/// Seeds for every replica derived from the run's root seed, so each number can be reproduced alone
/// and no two streams (check, rung, replica, role) share a seed.
[<RequireQualifiedAccess>]
module Seeds =

    /// SplitMix64's finaliser: a bijective mix of 64 bits.
    let private mix (z: uint64) =
        let z = (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
        let z = (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
        z ^^^ (z >>> 31)

    /// FNV-1a of the UTF-8 bytes: stable across processes, unlike String.GetHashCode.
    let private hashName (name: string) =
        let mutable h = 14695981039346656037UL
        for b in Encoding.UTF8.GetBytes name do
            h <- (h ^^^ uint64 b) * 1099511628211UL
        h

    /// A non-negative 31-bit seed for (root, stream name, indices).
    let derive (root: int) (stream: string) (indices: int list) =
        let mutable h = mix (uint64 (uint32 root) ^^^ hashName stream)
        for i in indices do
            h <- mix (h + 0x9E3779B97F4A7C15UL * uint64 (uint32 i + 1u))
        int (h &&& 0x7FFFFFFFUL)
