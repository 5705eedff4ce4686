//! Element-length sanity walk over a DICOM file before dicom-object parses it. dicom-parser
//! reserves and zero-fills a value's declared length before reading it, so a corrupt 10 KB
//! file declaring a 4 GB value would cost 4 GB of memory (found by fuzzing). This walk visits
//! every element header (descending into sequences and items) and refuses any defined length
//! that runs past the end of the file. Must not interpret values or decide what is valid DICOM
//! otherwise: anything it cannot follow (a truncated header, a deflated data set) is left to
//! dicom-parser.

use std::io::{Read, Seek, SeekFrom};

const UNDEFINED: u32 = 0xFFFF_FFFF;
const DEFLATED: &str = "1.2.840.10008.1.2.1.99";

/// Explicit-VR value representations with a 2-byte reserved field and a 4-byte length.
fn long_vr(vr: [u8; 2]) -> bool {
    matches!(&vr, b"OB" | b"OD" | b"OF" | b"OL" | b"OV" | b"OW" | b"SQ" | b"SV" | b"UC" | b"UN" | b"UR" | b"UT" | b"UV")
}

struct Walker<R> {
    r: R,
    len: u64,
}

impl<R: Read + Seek> Walker<R> {
    /// `n` bytes at `pos`, or `None` past the end.
    fn bytes<const N: usize>(&mut self, pos: u64) -> Option<[u8; N]> {
        let mut b = [0u8; N];
        (pos + N as u64 <= self.len).then_some(())?;
        self.r.seek(SeekFrom::Start(pos)).ok()?;
        self.r.read_exact(&mut b).ok()?;
        Some(b)
    }
}

/// Check the file read by `r` (`len` bytes), whose data set starts at `start`. `meta`: a
/// Part-10 file meta group (explicit VR little endian) comes first and names the transfer
/// syntax; otherwise the data set is little endian, explicit VR when `explicit`.
/// `Err` describes the first element whose declared length runs past the end.
pub(crate) fn check<R: Read + Seek>(r: R, len: u64, start: u64, meta: bool, explicit: bool) -> Result<(), String> {
    let mut w = Walker { r, len };
    let (mut explicit, mut big, mut in_meta) = (if meta { true } else { explicit }, false, meta);
    // The data set's syntax, applied once the meta group (always explicit little endian) ends.
    let (mut ds_explicit, mut ds_big) = (explicit, false);
    let mut fragments = false;
    let mut pos = start;
    while let Some(h) = w.bytes::<8>(pos) {
        let u16_at =
            |i: usize| if big { u16::from_be_bytes([h[i], h[i + 1]]) } else { u16::from_le_bytes([h[i], h[i + 1]]) };
        let u32_at = |b: [u8; 4]| if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) };
        let (group, element) = (u16_at(0), u16_at(2));
        if in_meta && group != 0x0002 {
            // The data set starts: switch to its transfer syntax (learnt from (0002,0010)).
            (in_meta, explicit, big) = (false, ds_explicit, ds_big);
            continue;
        }
        let (header, vlen, sequence) = if group == 0xFFFE {
            // Item / delimiters: always a 4-byte length, no VR.
            (8u64, u32_at([h[4], h[5], h[6], h[7]]), !fragments && element == 0xE000)
        } else if explicit {
            let vr = [h[4], h[5]];
            if long_vr(vr) {
                let Some(l) = w.bytes::<4>(pos + 8) else { break };
                (12, u32_at(l), &vr == b"SQ" || (&vr == b"UN" && u32_at(l) == UNDEFINED))
            } else {
                (8, u16_at(6) as u32, false)
            }
        } else {
            let l = u32_at([h[4], h[5], h[6], h[7]]);
            // Implicit VR: a sequence's value starts with an item tag (FFFE,E000).
            let first = w.bytes::<4>(pos + 8);
            let item = [0xFE, 0xFF, 0x00, 0xE0];
            let starts_item = first.is_some_and(|f| if big { f == [0xFF, 0xFE, 0xE0, 0x00] } else { f == item });
            (8, l, group != 0x7FE0 && (l == UNDEFINED || (l > 0 && starts_item)))
        };
        let tag = format!("({group:04X},{element:04X})");
        if group == 0xFFFE && element == 0xE0DD {
            fragments = false;
        }
        if vlen == UNDEFINED {
            // Undefined length: a sequence, or encapsulated pixel data (fragments follow).
            fragments |= group == 0x7FE0 && !sequence;
            pos += header;
            continue;
        }
        if sequence || (group == 0xFFFE && !fragments) {
            pos += header; // walk the items' / sequence's content
            continue;
        }
        let end = pos + header + vlen as u64;
        if end > len {
            return Err(format!(
                "element {tag} at byte {pos} declares {vlen} bytes but the file ends {} bytes later",
                len.saturating_sub(pos + header)
            ));
        }
        if in_meta && (group, element) == (0x0002, 0x0010) && vlen <= 64 {
            let mut uid = vec![0u8; vlen as usize];
            w.r.seek(SeekFrom::Start(pos + header)).map_err(|e| e.to_string())?;
            w.r.read_exact(&mut uid).map_err(|e| e.to_string())?;
            let uid = String::from_utf8_lossy(&uid).trim_end_matches(['\0', ' ']).to_string();
            if uid == DEFLATED {
                return Ok(()); // the data set is deflated: its lengths are not visible here
            }
            ds_explicit = uid != "1.2.840.10008.1.2";
            ds_big = uid == "1.2.840.10008.1.2.2";
        }
        pos = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn el(tag: (u16, u16), vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(tag.0.to_le_bytes());
        v.extend(tag.1.to_le_bytes());
        v.extend(vr);
        if long_vr(*vr) {
            v.extend([0, 0]);
            v.extend((value.len() as u32).to_le_bytes());
        } else {
            v.extend((value.len() as u16).to_le_bytes());
        }
        v.extend(value);
        v
    }

    #[test]
    fn consistent_lengths_pass_and_a_huge_one_fails() {
        let mut f = el((0x0008, 0x0060), b"CS", b"MR");
        f.extend(el((0x0028, 0x0010), b"US", &[4, 0]));
        f.extend(el((0x7FE0, 0x0010), b"OW", &[0; 8]));
        assert_eq!(check(Cursor::new(&f), f.len() as u64, 0, false, true), Ok(()));
        let at = f.len() - 12; // the OW length field
        f[at..at + 4].copy_from_slice(&0xF000_0000u32.to_le_bytes());
        let e = check(Cursor::new(&f), f.len() as u64, 0, false, true).unwrap_err();
        assert!(e.contains("(7FE0,0010)") && e.contains("4026531840"), "{e}");
    }

    #[test]
    fn sequences_are_walked_into() {
        // SQ (defined length) holding one item holding an element with a bogus length.
        let inner = el((0x0008, 0x0100), b"LO", b"ab");
        let mut item = vec![0xFE, 0xFF, 0x00, 0xE0];
        item.extend((inner.len() as u32).to_le_bytes());
        item.extend(&inner);
        let mut f = el((0x0008, 0x1140), b"SQ", &item);
        assert_eq!(check(Cursor::new(&f), f.len() as u64, 0, false, true), Ok(()));
        let n = f.len();
        f[n - 4..n - 2].copy_from_slice(&0xFFF0u16.to_le_bytes()); // inner length 65520
        assert!(check(Cursor::new(&f), f.len() as u64, 0, false, true).is_err());
    }
}
