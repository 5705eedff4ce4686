//! Building blocks for writing DICOM: deterministic UIDs (2.25.<128-bit hash of seed and
//! label>), DS number formatting within 16 characters, and element constructors.
//! Must not decide which attributes a given object needs.

use dicom_core::value::{DataSetSequence, PrimitiveValue};
use dicom_core::{DataElement, Tag, VR};
use dicom_object::mem::InMemElement;
use dicom_object::InMemDicomObject;

/// splitmix64 finaliser (Steele et al. 2014).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Deterministic UID "2.25.N" (N < 2^128, the UUID-derived root of PS3.5 B.2) from a seed and label.
pub(crate) fn uid(seed: u64, label: &str) -> String {
    let (mut a, mut b) = (0xcbf2_9ce4_8422_2325u64 ^ mix(seed), 0x8422_2325_cbf2_9ce4u64 ^ mix(!seed));
    for byte in label.bytes() {
        a = (a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        b = mix(b ^ byte as u64);
    }
    let n = ((mix(a) as u128) << 64 | mix(b ^ a) as u128).max(1);
    format!("2.25.{n}")
}

/// A decimal string (DS) of at most 16 characters, as precise as fits.
pub(crate) fn ds(v: f64) -> String {
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    for decimals in (0..=15).rev() {
        let s = format!("{v:.decimals$}");
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
        let s = if s == "-0" { "0".to_string() } else { s };
        if s.len() <= 16 {
            return s;
        }
    }
    format!("{v:.6e}")
}

pub(crate) fn text(tag: Tag, vr: VR, s: &str) -> InMemElement {
    DataElement::new(tag, vr, PrimitiveValue::from(s))
}

pub(crate) fn texts(tag: Tag, vr: VR, v: &[String]) -> InMemElement {
    DataElement::new(tag, vr, PrimitiveValue::Strs(v.iter().cloned().collect()))
}

pub(crate) fn decimals(tag: Tag, v: &[f64]) -> InMemElement {
    let s: Vec<String> = v.iter().map(|x| ds(*x)).collect();
    texts(tag, VR::DS, &s)
}

pub(crate) fn int_str(tag: Tag, v: i64) -> InMemElement {
    text(tag, VR::IS, &v.to_string())
}

pub(crate) fn us(tag: Tag, v: u16) -> InMemElement {
    DataElement::new(tag, VR::US, PrimitiveValue::from(v))
}

pub(crate) fn empty(tag: Tag, vr: VR) -> InMemElement {
    DataElement::empty(tag, vr)
}

pub(crate) fn seq(tag: Tag, items: Vec<InMemDicomObject>) -> InMemElement {
    DataElement::new(tag, VR::SQ, DataSetSequence::from(items))
}

pub(crate) fn item(elements: Vec<InMemElement>) -> InMemDicomObject {
    InMemDicomObject::from_element_iter(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_deterministic_valid_and_distinct() {
        let a = uid(7, "series");
        assert_eq!(a, uid(7, "series"));
        assert_ne!(a, uid(8, "series"));
        assert_ne!(a, uid(7, "study"));
        assert!(a.len() <= 64 && a.starts_with("2.25.") && !a[5..].starts_with('0'));
        assert!(a[5..].chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn ds_fits_sixteen_characters() {
        assert_eq!(ds(1.5), "1.5");
        assert_eq!(ds(-0.0), "0");
        assert_eq!(ds(-123.456_789_012_345_67), "-123.45678901235");
        assert_eq!(ds(0.8660254037844386), "0.86602540378444");
        assert!(ds(-1.0e-17).len() <= 16);
    }
}
