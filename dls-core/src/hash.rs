//! The crate's one fast hasher, for its own lookup and interning tables.
//!
//! FxHash rounds (multiply and rotate a word at a time) with a final avalanche. It is not a
//! defence against chosen keys: the tables it serves are keyed by ids from a validated directory
//! or by ids being interned, so a pathological input can only cost time, never change a result
//! (no order in the crate depends on a hash).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash with a MurmurHash3 `fmix64` finish. Byte slices are hashed with their length first,
/// so zero padding of the last word cannot make two keys collide.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply-rotate rounds leave the low bits, which pick the bucket, depending
        // mostly on the first words: mix them (MurmurHash3 fmix64).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn keys_are_told_apart() {
        let h = BuildHasherDefault::<FxHasher>::default();
        let a = h.hash_one("gm0001-k01");
        assert_eq!(a, h.hash_one("gm0001-k01"));
        assert_ne!(a, h.hash_one("gm0001-k02"));
        assert_ne!(h.hash_one("ab"), h.hash_one("ab\0"));
        assert_ne!(h.hash_one(""), h.hash_one("\0"));
    }

    #[test]
    fn low_bits_spread_over_keys_that_share_a_prefix() {
        // 1,024 ids that differ only at the end fill most of 64 buckets picked by the low bits.
        let h = BuildHasherDefault::<FxHasher>::default();
        let mut seen = [false; 64];
        for i in 0..1024 {
            seen[(h.hash_one(format!("GM0394-kern-{i:04}")) & 63) as usize] = true;
        }
        assert!(seen.iter().filter(|&&s| s).count() >= 60);
    }
}
