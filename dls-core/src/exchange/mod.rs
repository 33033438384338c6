//! Exchange with the systems around dls: a household's decision and its referrals as the
//! documents municipal and partner systems read.
//!
//! - [`fhir`]: FHIR R4 out (a Bundle: ServiceRequest per routed need, Task per referral,
//!   CareTeam with the coordinator) and in (a partner's Tasks become dls events);
//! - [`zgw`]: the ZGW Zaken API 1.5.1 documents a client would POST (a hoofdzaak, a deelzaak
//!   per need, rollen and statussen).
//!
//! The household appears only by its pseudonymous case id; no name, address or birth date is
//! ever written (dls holds none).

pub mod fhir;
mod timeline;
pub mod zgw;

/// The base of the URLs dls names its code systems and identifier systems by.
pub const DLS_BASE: &str = "https://delokalesteunpilaar.nl/fhir";

/// A deterministic, UUID-shaped id (RFC 9562 version 8, "custom") from the given parts, so the
/// same decision always exports the same ids and references.
pub(crate) fn uuid(parts: &[&str]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for p in parts {
        for &byte in p.as_bytes().iter().chain(std::iter::once(&0xff)) {
            a = (a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ byte as u64)
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(5);
        }
    }
    let hi = (a & !0xf000) | 0x8000; // version 8 in bits 12..16 of the third group
    let lo = (b & !(0xc000 << 48)) | (0x8000 << 48); // variant 10
                                                     // 8-4-4-4-12 hex digits of the 128 bits `hi` then `lo`.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'-'; 36];
    let mut k = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        let word = if k < 16 { hi } else { lo };
        let shift = 60 - 4 * (k % 16);
        *slot = HEX[((word >> shift) & 0xf) as usize];
        k += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_stable_distinct_and_well_formed() {
        let a = super::uuid(&["case", "Task", "1"]);
        assert_eq!(a, super::uuid(&["case", "Task", "1"]));
        assert_ne!(a, super::uuid(&["case", "Task", "2"]));
        assert_ne!(super::uuid(&["ab", "c"]), super::uuid(&["a", "bc"]));
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
