//! DEFLATE (RFC 1951) and gzip (RFC 1952) decoding for voxel data, within ~5-10 % of C libdeflate
//! on the PyRadiomics sample images (brain1: 6.5 vs 5.9 ms; image data is mostly short matches
//! and literals): the whole compressed input is in memory and the output is handed to a sink in
//! pieces of at most ~480 KiB, so a volume is never held decompressed unless the caller keeps
//! it. Table-driven like libdeflate: a 64-bit bit buffer refilled by one unaligned load (one
//! well-predicted branch for the input's end), up to three literals or one length + distance per refill,
//! extra bits taken with their code in one step, the next table entry looked up before the
//! current symbol's bytes are written. Every gzip member's CRC-32 and size are verified.
//! Must not know about image formats (the callers do).

use std::fmt;

/// DEFLATE's history window.
const WINDOW: usize = 1 << 15;
/// Output buffer: window + chunk + room for one iteration of the decode loop (up to three
/// literals, or a 258-byte match copied 8 bytes at a time). 128 KiB: 512 KiB decoded no faster
/// on the sample images (brain1, lung2) and cost 96 more fresh memory pages per decode.
const OUT_LEN: usize = 1 << 17;
/// The decode loop flushes when this much is in the buffer, so one more iteration fits.
const FLUSH_AT: usize = OUT_LEN - 512;

/// Why a stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InflateError {
    /// The data ends before the stream (or its gzip trailer) does.
    Truncated,
    /// The data is not a valid gzip / DEFLATE stream.
    Corrupt(&'static str),
    /// The gzip trailer's CRC-32 or size disagrees with the decoded data.
    Checksum(&'static str),
}

impl fmt::Display for InflateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InflateError::Truncated => write!(f, "the gzip data ends before its trailer"),
            InflateError::Corrupt(what) => write!(f, "invalid gzip data: {what}"),
            InflateError::Checksum(what) => write!(f, "gzip trailer mismatch: {what}"),
        }
    }
}

impl std::error::Error for InflateError {}

// Decode-table entries (u32): bits 0-7 bits to consume (code + extra bits for lengths and
// distances, code only for subtable pointers), bits 8-11 code length (the shift to the extra
// bits) or a subtable's index bits, bits 12-15 kind, bits 16-31 value (literal byte, base
// length or distance, subtable start).
const KIND_SHIFT: u32 = 12;
const LITERAL: u32 = 0 << KIND_SHIFT;
/// Set in literal entries of the literal/length table (tested alone in the hot loop).
const LITERAL_FLAG: u32 = 1 << 31;
const DISTANCE: u32 = 0 << KIND_SHIFT;
const LENGTH: u32 = 1 << KIND_SHIFT;
const END: u32 = 2 << KIND_SHIFT;
const SUBTABLE: u32 = 3 << KIND_SHIFT;
const INVALID: u32 = 4 << KIND_SHIFT;
const KIND_MASK: u32 = 0xf << KIND_SHIFT;

const LITLEN_BITS: u32 = 11;
const DIST_BITS: u32 = 8;
const CODELEN_BITS: u32 = 7;

const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/// Order of the code-length code lengths in a dynamic block header.
const CODELEN_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

fn entry(kind: u32, value: u32, code_len: u32, extra: u32) -> u32 {
    (value << 16) | kind | (code_len << 8) | (code_len + extra)
}

fn litlen_entry(sym: usize, len: u32) -> u32 {
    match sym {
        0..=255 => entry(LITERAL, sym as u32, len, 0) | LITERAL_FLAG,
        256 => entry(END, 0, len, 0),
        257..=285 => entry(LENGTH, u32::from(LENGTH_BASE[sym - 257]), len, u32::from(LENGTH_EXTRA[sym - 257])),
        _ => entry(INVALID, 0, len, 0),
    }
}

fn dist_entry(sym: usize, len: u32) -> u32 {
    match sym {
        0..=29 => entry(DISTANCE, u32::from(DIST_BASE[sym]), len, u32::from(DIST_EXTRA[sym])),
        _ => entry(INVALID, 0, len, 0),
    }
}

fn codelen_entry(sym: usize, len: u32) -> u32 {
    entry(LITERAL, sym as u32, len, 0)
}

/// A canonical Huffman decode table: `1 << bits` direct entries, then subtables for the
/// longer codes. `table` is reused between blocks.
fn build_table(
    lens: &[u8],
    bits: u32,
    single_code_ok: bool,
    make: impl Fn(usize, u32) -> u32,
    table: &mut Vec<u32>,
) -> Result<(), InflateError> {
    let mut count = [0u16; 16];
    for &l in lens {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let max = (1..16).rev().find(|&l| count[l] != 0).unwrap_or(0);
    table.clear();
    table.resize(1 << bits, entry(INVALID, 0, 1, 0));
    if max == 0 {
        // No codes at all (a block without distances): every lookup is invalid.
        return Ok(());
    }
    let mut left: i32 = 1;
    for &c in &count[1..16] {
        left = (left << 1) - i32::from(c);
        if left < 0 {
            return Err(InflateError::Corrupt("over-subscribed Huffman code"));
        }
    }
    if left > 0 && !(single_code_ok && max == 1) {
        return Err(InflateError::Corrupt("incomplete Huffman code"));
    }
    // Symbols sorted by code length, then value: canonical order.
    let mut offs = [0u16; 16];
    for l in 1..15 {
        offs[l + 1] = offs[l] + count[l];
    }
    let mut sorted = [0u16; 320];
    for (sym, &l) in lens.iter().enumerate() {
        if l != 0 {
            sorted[usize::from(offs[usize::from(l)])] = sym as u16;
            offs[usize::from(l)] += 1;
        }
    }
    let n = lens.iter().filter(|&&l| l != 0).count();
    let mut remaining = count;
    let mask = (1u32 << bits) - 1;
    let (mut code, mut len) = (0u32, 0u32);
    let mut sub_prefix = u32::MAX;
    let (mut sub_start, mut sub_bits) = (0usize, 0u32);
    let mut direct_len = 0u32;
    for &sym in &sorted[..n] {
        let sym = usize::from(sym);
        let l = u32::from(lens[sym]);
        if len != 0 {
            code += 1;
        }
        code <<= l - len.min(l);
        len = l;
        // DEFLATE sends codes most significant bit first; the bit buffer reads least first.
        let rev = code.reverse_bits() >> (32 - l);
        if l <= bits {
            // The direct part grows with the code length: at length l it holds 1 << l
            // entries, each code written once at its reversed codeword.
            grow_direct(table, &mut direct_len, l);
            table[rev as usize] = make(sym, l);
        } else {
            grow_direct(table, &mut direct_len, bits);
            let prefix = rev & mask;
            if prefix != sub_prefix {
                // A new subtable: as many index bits as the codes sharing this prefix need.
                sub_prefix = prefix;
                let mut sl = l;
                let mut room: i32 = 1 << (l - bits);
                while sl < 15 {
                    room -= i32::from(remaining[sl as usize]);
                    if room <= 0 {
                        break;
                    }
                    sl += 1;
                    room <<= 1;
                }
                sub_bits = sl - bits;
                sub_start = table.len();
                table.resize(sub_start + (1 << sub_bits), entry(INVALID, 0, 1, 0));
                table[prefix as usize] = (sub_start as u32) << 16 | SUBTABLE | (sub_bits << 8) | bits;
            }
            let e = make(sym, l - bits);
            let mut i = (rev >> bits) as usize;
            while i < 1 << sub_bits {
                table[sub_start + i] = e;
                i += 1 << (l - bits);
            }
        }
        remaining[l as usize] -= 1;
    }
    grow_direct(table, &mut direct_len, bits);
    Ok(())
}

/// Double the direct part of a decode table (`1 << len` entries) until it has `1 << to`: each
/// doubling copies the part after itself, replicating every entry to the indices that share
/// its low `len` bits (a code of length l decodes whatever bits follow it).
fn grow_direct(table: &mut [u32], len: &mut u32, to: u32) {
    while *len < to {
        table.copy_within(0..1 << *len, 1 << *len);
        *len += 1;
    }
}

/// The bit reader: `buf` holds `left` valid bits (least significant first); bytes past the
/// input's end read as zeros and are counted in `over`.
struct Bits<'a> {
    input: &'a [u8],
    pos: usize,
    buf: u64,
    left: u32,
    over: usize,
}

impl<'a> Bits<'a> {
    /// Make `left >= 56`.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(b) = self.input.get(self.pos..self.pos + 8) {
            let w = u64::from_le_bytes(b.try_into().expect("8 bytes"));
            self.buf |= w << self.left;
            self.pos += ((63 - self.left) >> 3) as usize;
            self.left |= 56;
        } else {
            self.refill_slow();
        }
    }

    #[cold]
    fn refill_slow(&mut self) {
        while self.left <= 56 {
            match self.input.get(self.pos) {
                Some(&b) => {
                    self.buf |= u64::from(b) << self.left;
                    self.pos += 1;
                }
                None => self.over += 1,
            }
            self.left += 8;
        }
    }

    #[inline(always)]
    fn peek(&self, n: u32) -> u32 {
        (self.buf & ((1u64 << n) - 1)) as u32
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.buf >>= n;
        self.left -= n;
    }

    /// Read `n <= 32` bits (refills as needed).
    fn take(&mut self, n: u32) -> u32 {
        if self.left < n {
            self.refill();
        }
        let v = self.peek(n);
        self.consume(n);
        v
    }

    /// Whether bits past the input's end were consumed.
    fn overrun(&self) -> bool {
        self.over * 8 > self.left as usize
    }

    /// Drop the bits up to the next byte boundary and give back the whole bytes still in
    /// the buffer: `pos` is then the next unread input byte.
    fn align_to_byte(&mut self) -> Result<(), InflateError> {
        self.consume(self.left % 8);
        let bytes = (self.left / 8) as usize;
        if self.over > bytes {
            return Err(InflateError::Truncated);
        }
        self.pos -= bytes - self.over;
        self.buf = 0;
        self.left = 0;
        self.over = 0;
        Ok(())
    }
}

/// Decoded bytes with the history window in front, flushed to the sink in chunks.
struct Output<F: FnMut(&[u8])> {
    /// OUT_LEN bytes, not zeroed: only bytes already written are ever read (matches reach
    /// back at most to the start of the stream, `distance <= pos`), so a fresh or reused
    /// allocation needs no clearing. Accessed through `ptr` and the written range only.
    buf: Box<[std::mem::MaybeUninit<u8>]>,
    pos: usize,
    /// Start of the bytes not yet given to the sink.
    start: usize,
    /// CRC-32 and count of the current gzip member's bytes given to the sink.
    crc: crc32fast::Hasher,
    count: u64,
    sink: F,
}

impl<F: FnMut(&[u8])> Output<F> {
    #[inline(always)]
    fn maybe_flush(&mut self) {
        if self.pos >= FLUSH_AT {
            self.flush_keep_window();
        }
    }

    fn ptr(&mut self) -> *mut u8 {
        self.buf.as_mut_ptr().cast()
    }

    #[cold]
    fn flush_keep_window(&mut self) {
        self.emit();
        // SAFETY: the window pos - WINDOW..pos (written bytes, pos <= OUT_LEN) moves to the
        // buffer's start; the ranges do not overlap (pos >= FLUSH_AT > 2 * WINDOW).
        unsafe { std::ptr::copy_nonoverlapping(self.ptr().add(self.pos - WINDOW), self.ptr(), WINDOW) };
        self.pos = WINDOW;
        self.start = WINDOW;
    }

    fn emit(&mut self) {
        // SAFETY: start..pos (<= OUT_LEN) are bytes the decoder wrote.
        let b = unsafe { std::slice::from_raw_parts(self.ptr().add(self.start), self.pos - self.start) };
        self.crc.update(b);
        self.count += b.len() as u64;
        (self.sink)(b);
    }

    /// Give the rest of a gzip member to the sink; returns its CRC-32 and size and starts the
    /// next member with an empty history.
    fn finish_member(&mut self) -> (u32, u64) {
        self.emit();
        self.pos = 0;
        self.start = 0;
        let crc = std::mem::take(&mut self.crc).finalize();
        (crc, std::mem::take(&mut self.count))
    }
}

/// Decode one DEFLATE stream starting at `input[pos]`; returns the position after its last
/// byte.
fn inflate_stream<F: FnMut(&[u8])>(input: &[u8], pos: usize, out: &mut Output<F>) -> Result<usize, InflateError> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("bmi2") {
        // SAFETY: the CPU supports BMI2 (checked just above); it only adds instructions
        // (shifts by a register without flags, bit-field extraction), no change of results.
        return unsafe { inflate_stream_bmi2(input, pos, out) };
    }
    inflate_stream_portable(input, pos, out)
}

/// `inflate_stream_portable` compiled with BMI2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "bmi2")]
fn inflate_stream_bmi2<F: FnMut(&[u8])>(input: &[u8], pos: usize, out: &mut Output<F>) -> Result<usize, InflateError> {
    inflate_stream_portable(input, pos, out)
}

#[inline(always)]
fn inflate_stream_portable<F: FnMut(&[u8])>(
    input: &[u8],
    pos: usize,
    out: &mut Output<F>,
) -> Result<usize, InflateError> {
    let mut bits = Bits { input, pos, buf: 0, left: 0, over: 0 };
    let mut litlen = Vec::with_capacity(2400);
    let mut dist = Vec::with_capacity(420);
    let mut codelen = Vec::with_capacity(128);
    let mut lens = [0u8; 320];
    loop {
        let last = bits.take(1) == 1;
        match bits.take(2) {
            0 => {
                bits.align_to_byte()?;
                let p = bits.pos;
                let head = input.get(p..p + 4).ok_or(InflateError::Truncated)?;
                let n = u16::from_le_bytes([head[0], head[1]]);
                if n != !u16::from_le_bytes([head[2], head[3]]) {
                    return Err(InflateError::Corrupt("stored block length check"));
                }
                let data = input.get(p + 4..p + 4 + usize::from(n)).ok_or(InflateError::Truncated)?;
                let mut rest = data;
                while !rest.is_empty() {
                    out.maybe_flush();
                    let k = rest.len().min(FLUSH_AT - out.pos);
                    // SAFETY: out.pos < FLUSH_AT after the flush check, so out.pos + k <=
                    // FLUSH_AT < OUT_LEN; `rest` is the input, not the buffer.
                    unsafe { std::ptr::copy_nonoverlapping(rest.as_ptr(), out.ptr().add(out.pos), k) };
                    out.pos += k;
                    rest = &rest[k..];
                }
                bits.pos = p + 4 + usize::from(n);
            }
            1 => {
                lens[..144].fill(8);
                lens[144..256].fill(9);
                lens[256..280].fill(7);
                lens[280..288].fill(8);
                build_table(&lens[..288], LITLEN_BITS, false, litlen_entry, &mut litlen)?;
                lens[..32].fill(5);
                build_table(&lens[..32], DIST_BITS, false, dist_entry, &mut dist)?;
                huffman_block(&mut bits, out, &litlen, &dist)?;
            }
            2 => {
                let nlit = bits.take(5) as usize + 257;
                let ndist = bits.take(5) as usize + 1;
                let ncode = bits.take(4) as usize + 4;
                if nlit > 286 || ndist > 30 {
                    return Err(InflateError::Corrupt("too many length or distance symbols"));
                }
                let mut cl = [0u8; 19];
                for &i in &CODELEN_ORDER[..ncode] {
                    cl[i] = bits.take(3) as u8;
                }
                build_table(&cl, CODELEN_BITS, false, codelen_entry, &mut codelen)?;
                let mut i = 0;
                while i < nlit + ndist {
                    bits.refill();
                    let e = codelen[bits.peek(CODELEN_BITS) as usize];
                    if e & KIND_MASK == INVALID {
                        return Err(InflateError::Corrupt("invalid code length code"));
                    }
                    bits.consume(e & 0xff);
                    let sym = e >> 16;
                    let (value, repeat) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => {
                            let prev =
                                *lens[..i].last().ok_or(InflateError::Corrupt("repeat with no previous length"))?;
                            (prev, 3 + bits.take(2) as usize)
                        }
                        17 => (0, 3 + bits.take(3) as usize),
                        _ => (0, 11 + bits.take(7) as usize),
                    };
                    if i + repeat > nlit + ndist {
                        return Err(InflateError::Corrupt("code lengths repeat past the end"));
                    }
                    lens[i..i + repeat].fill(value);
                    i += repeat;
                }
                if lens[256] == 0 {
                    return Err(InflateError::Corrupt("no end-of-block code"));
                }
                build_table(&lens[..nlit], LITLEN_BITS, true, litlen_entry, &mut litlen)?;
                build_table(&lens[nlit..nlit + ndist], DIST_BITS, true, dist_entry, &mut dist)?;
                huffman_block(&mut bits, out, &litlen, &dist)?;
            }
            _ => return Err(InflateError::Corrupt("invalid block type")),
        }
        if bits.overrun() {
            return Err(InflateError::Truncated);
        }
        if last {
            bits.align_to_byte()?;
            return Ok(bits.pos);
        }
    }
}

/// Decode one Huffman-coded block up to its end-of-block code. Each iteration first refills
/// the bit buffer to >= 56 bits, then decodes up to three literals (<= 45 bits) or one
/// length + distance (<= 48 bits); the next symbol's table entry is looked up as soon as the
/// bits of the current one are consumed, before its output is written.
#[inline(always)]
fn huffman_block<F: FnMut(&[u8])>(
    bits: &mut Bits,
    out: &mut Output<F>,
    litlen: &[u32],
    dist: &[u32],
) -> Result<(), InflateError> {
    const LMASK: u64 = (1 << LITLEN_BITS) - 1;
    const DMASK: u64 = (1 << DIST_BITS) - 1;
    let lmain: &[u32; 1 << LITLEN_BITS] = litlen[..1 << LITLEN_BITS].try_into().expect("main table");
    let dmain: &[u32; 1 << DIST_BITS] = dist[..1 << DIST_BITS].try_into().expect("main table");
    let input = bits.input;
    let mut op = out.pos;
    bits.refill();
    if bits.overrun() {
        return Err(InflateError::Truncated);
    }
    let (mut buf, mut left, mut ip) = (bits.buf, bits.left, bits.pos);
    // The last input position an 8-byte load may start at (negative: none, input under 8 bytes).
    let fast_end = input.len() as isize - 8;
    macro_rules! refill {
        () => {
            if ip as isize <= fast_end {
                // SAFETY: ip + 8 <= input.len() (0 <= ip <= fast_end = len - 8).
                let w = u64::from_le(unsafe { input.as_ptr().add(ip).cast::<u64>().read_unaligned() });
                buf |= w << left;
                ip += ((63 - left) >> 3) as usize;
                left |= 56;
            } else {
                bits.buf = buf;
                bits.left = left;
                bits.pos = ip;
                bits.refill_slow();
                (buf, left, ip) = (bits.buf, bits.left, bits.pos);
                // Past the input's end the buffer fills with zeros, which may decode as
                // symbols: stop as soon as any of them was consumed.
                if bits.overrun() {
                    break Err(InflateError::Truncated);
                }
            }
        };
    }
    // An entry's bit count (bits 0-7) is at most 15 + 13 < 64, so `e & 63` is the same count:
    // the shift then takes the entry register as it is (x86 shifts use the low 6 bits), which
    // keeps a zero-extension off the chain from one entry to the next lookup.
    macro_rules! consume {
        ($e:expr) => {{
            buf >>= $e & 63;
            left -= $e & 0xff;
        }};
    }
    /// Base value plus the extra bits that followed the code in `saved`.
    macro_rules! value {
        ($e:expr, $saved:expr) => {
            ($e >> 16) as usize + (($saved & ((1u64 << ($e & 0xff)) - 1)) >> (($e >> 8) & 0xf)) as usize
        };
    }
    let mut e = lmain[(buf & LMASK) as usize];
    // The output buffer's start, taken again after every flush (which borrows `out`). Writes
    // go through it unchecked: every iteration starts below FLUSH_AT and writes at most three
    // literals or one copy_match (which checks its own bounds).
    let mut ob: *mut u8 = out.ptr();
    macro_rules! put {
        ($at:expr, $v:expr) => {
            // SAFETY: $at <= op + 2 < FLUSH_AT + 3 <= OUT_LEN (see above).
            unsafe { ob.add($at).write($v) }
        };
    }
    let result = loop {
        if op >= FLUSH_AT {
            out.pos = op;
            out.flush_keep_window();
            op = out.pos;
            ob = out.ptr();
        }
        // Refilling adds bits above the valid ones: the looked-up entry stays right.
        refill!();
        if e & LITERAL_FLAG != 0 {
            consume!(e);
            let l1 = (e >> 16) as u8;
            e = lmain[(buf & LMASK) as usize];
            if e & LITERAL_FLAG != 0 {
                consume!(e);
                let l2 = (e >> 16) as u8;
                e = lmain[(buf & LMASK) as usize];
                if e & LITERAL_FLAG != 0 {
                    consume!(e);
                    let l3 = (e >> 16) as u8;
                    e = lmain[(buf & LMASK) as usize];
                    put!(op, l1);
                    put!(op + 1, l2);
                    put!(op + 2, l3);
                    op += 3;
                    continue;
                }
                put!(op, l1);
                put!(op + 1, l2);
                op += 2;
                continue;
            }
            put!(op, l1);
            op += 1;
            continue;
        }
        if e & KIND_MASK == SUBTABLE {
            consume!(e);
            e = litlen[(e >> 16) as usize + (buf & ((1u64 << ((e >> 8) & 0xf)) - 1)) as usize];
            if e & LITERAL_FLAG != 0 {
                consume!(e);
                let l1 = (e >> 16) as u8;
                e = lmain[(buf & LMASK) as usize];
                put!(op, l1);
                op += 1;
                continue;
            }
        }
        if e & KIND_MASK != LENGTH {
            if e & KIND_MASK == END {
                consume!(e);
                break Ok(());
            }
            break Err(InflateError::Corrupt("invalid literal/length code"));
        }
        let saved = buf;
        consume!(e);
        let length = value!(e, saved);
        let mut d = dmain[(buf & DMASK) as usize];
        if d & KIND_MASK == SUBTABLE {
            consume!(d);
            d = dist[(d >> 16) as usize + (buf & ((1u64 << ((d >> 8) & 0xf)) - 1)) as usize];
        }
        if d & KIND_MASK != DISTANCE {
            break Err(InflateError::Corrupt("invalid distance code"));
        }
        let saved = buf;
        consume!(d);
        let distance = value!(d, saved);
        if left < LITLEN_BITS {
            refill!();
        }
        e = lmain[(buf & LMASK) as usize];
        if distance > op {
            break Err(InflateError::Corrupt("distance too far back"));
        }
        // SAFETY: op < FLUSH_AT (checked at the loop's top), 1 <= distance (table distances
        // start at 1) <= op (checked just above), length <= 258 (table lengths): the
        // preconditions of copy_match.
        unsafe { copy_match(ob, op, distance, length) };
        op += length;
    };
    bits.buf = buf;
    bits.left = left;
    bits.pos = ip;
    out.pos = op;
    match result {
        Err(_) if bits.overrun() => Err(InflateError::Truncated),
        Ok(()) if bits.overrun() => Err(InflateError::Truncated),
        r => r,
    }
}

/// Copy `length` (3..=258) bytes from `distance` back to `pos` (overlapping copies repeat the
/// pattern). May write up to 15 bytes past `pos + length`.
///
/// # Safety
/// `p` points to OUT_LEN writable bytes, `pos < FLUSH_AT`, `1 <= distance <= pos` and
/// `length <= 258` (the decode loop's invariants): every access below then stays in the buffer.
#[inline(always)]
unsafe fn copy_match(p: *mut u8, pos: usize, distance: usize, length: usize) {
    debug_assert!(pos + 258 + 16 <= OUT_LEN && (1..=pos).contains(&distance) && length <= 258);
    let end = pos + length;
    if distance >= 8 {
        // SAFETY: every access is in src = pos - distance .. end + 15 < OUT_LEN (preconditions);
        // each 8-byte load is of bytes already written (distance >= 8).
        unsafe {
            let (mut s, mut d) = (p.add(pos - distance), p.add(pos));
            let stop = p.add(end);
            d.cast::<u64>().write_unaligned(s.cast::<u64>().read_unaligned());
            d.add(8).cast::<u64>().write_unaligned(s.add(8).cast::<u64>().read_unaligned());
            if length > 16 {
                s = s.add(16);
                d = d.add(16);
                while d < stop {
                    d.cast::<u64>().write_unaligned(s.cast::<u64>().read_unaligned());
                    s = s.add(8);
                    d = d.add(8);
                }
            }
        }
    } else if distance == 1 {
        // SAFETY: the byte read is at pos - 1 >= 0; the stores cover pos .. end + 7 < OUT_LEN
        // (preconditions).
        unsafe {
            let word = u64::from(p.add(pos - 1).read()) * 0x0101_0101_0101_0101;
            let (mut d, stop) = (p.add(pos), p.add(end));
            while d < stop {
                d.cast::<u64>().write_unaligned(word);
                d = d.add(8);
            }
        }
    } else {
        // SAFETY: pos - distance >= 0 and end <= OUT_LEN (preconditions); byte by byte, so
        // each read is of a byte already written.
        unsafe {
            for i in pos..end {
                p.add(i).write(p.add(i - distance).read());
            }
        }
    }
}

/// The position of the DEFLATE data in a gzip member starting at `input[pos]`.
fn gzip_header(input: &[u8], pos: usize) -> Result<usize, InflateError> {
    let h = input.get(pos..pos + 10).ok_or(InflateError::Truncated)?;
    if h[0] != 0x1f || h[1] != 0x8b {
        return Err(InflateError::Corrupt("not gzip data"));
    }
    if h[2] != 8 {
        return Err(InflateError::Corrupt("unknown compression method"));
    }
    let flags = h[3];
    if flags & 0xe0 != 0 {
        return Err(InflateError::Corrupt("reserved header flags set"));
    }
    let mut p = pos + 10;
    if flags & 4 != 0 {
        let x = input.get(p..p + 2).ok_or(InflateError::Truncated)?;
        p += 2 + usize::from(u16::from_le_bytes([x[0], x[1]]));
    }
    for flag in [8u8, 16] {
        if flags & flag != 0 {
            let nul = input.get(p..).and_then(|s| s.iter().position(|&b| b == 0)).ok_or(InflateError::Truncated)?;
            p += nul + 1;
        }
    }
    if flags & 2 != 0 {
        p += 2;
    }
    if p > input.len() {
        return Err(InflateError::Truncated);
    }
    Ok(p)
}

/// Decode every gzip member of `input` (concatenated members, as `gzip -d` does; bytes after
/// the last member that do not start a gzip header are ignored), giving the decompressed
/// bytes to `sink` in order. Returns the number of bytes decoded.
pub fn gunzip(input: &[u8], sink: impl FnMut(&[u8])) -> Result<u64, InflateError> {
    let mut out =
        Output { buf: Box::new_uninit_slice(OUT_LEN), pos: 0, start: 0, crc: crc32fast::Hasher::new(), count: 0, sink };
    let (mut pos, mut total) = (0, 0u64);
    loop {
        let data = gzip_header(input, pos)?;
        let end = inflate_stream(input, data, &mut out)?;
        let (crc, n) = out.finish_member();
        let trailer = input.get(end..end + 8).ok_or(InflateError::Truncated)?;
        if u32::from_le_bytes(trailer[..4].try_into().expect("4 bytes")) != crc {
            return Err(InflateError::Checksum("CRC-32"));
        }
        if u32::from_le_bytes(trailer[4..].try_into().expect("4 bytes")) != n as u32 {
            return Err(InflateError::Checksum("size"));
        }
        total += n;
        pos = end + 8;
        if input.get(pos..pos + 2) != Some(&[0x1f, 0x8b][..]) {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn gz(data: &[u8], level: u32) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode(input: &[u8]) -> Result<Vec<u8>, InflateError> {
        let mut out = Vec::new();
        let n = gunzip(input, |b| out.extend_from_slice(b))?;
        assert_eq!(n, out.len() as u64);
        Ok(out)
    }

    /// Deterministic bytes: `alphabet` symbols drawn with geometrically falling frequencies
    /// (long Huffman codes for the rare ones), with repeats at random distances.
    fn sample(n: usize, alphabet: u32, repeats: bool, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            let r = next();
            if repeats && r % 5 == 0 && v.len() > 300 {
                let dist = 1 + (next() % (v.len().min(40_000) as u64)) as usize;
                let len = 3 + (next() % 40) as usize;
                for _ in 0..len {
                    v.push(v[v.len() - dist]);
                }
            } else {
                let sym = (r >> 8).trailing_zeros().min(31) * 8 + (r as u32 % 8);
                v.push((sym % alphabet) as u8);
            }
        }
        v.truncate(n);
        v
    }

    #[test]
    fn decodes_what_zlib_encodes_at_every_level() {
        for (i, &(n, alphabet, repeats)) in
            [(0, 256, false), (1, 256, false), (1000, 4, true), (300_000, 256, true), (1_500_000, 200, true)]
                .iter()
                .enumerate()
        {
            let data = sample(n, alphabet, repeats, i as u64 + 1);
            for level in [0, 1, 6, 9] {
                assert_eq!(decode(&gz(&data, level)).unwrap(), data, "n {n} level {level}");
            }
        }
        // Long runs (distance 1 and 2..7 matches, maximal lengths).
        let mut runs = vec![7u8; 100_000];
        runs.extend((0..50_000).map(|i| [1u8, 2, 3][i % 3]));
        runs.extend((0..50_000).map(|i| (i % 7) as u8));
        assert_eq!(decode(&gz(&runs, 9)).unwrap(), runs);
    }

    #[test]
    fn decodes_the_pyradiomics_sample_image_as_zlib_does() {
        // An external stream nobody here wrote: brain1's voxel data (gzip inside NRRD).
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/pyradiomics/data/brain1_image.nrrd");
        let Ok(file) = std::fs::read(path) else {
            panic!("missing {path}");
        };
        let start = file.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
        let mut expected = Vec::new();
        flate2::read::MultiGzDecoder::new(&file[start..]).read_to_end(&mut expected).unwrap();
        assert_eq!(expected.len(), 256 * 256 * 25 * 2);
        assert_eq!(decode(&file[start..]).unwrap(), expected);
    }

    #[test]
    fn decodes_fixed_huffman_blocks() {
        // Python zlib, strategy Z_FIXED (flate2 cannot force fixed codes).
        let hex = "1f8b08000000000002032b4a4c292e294da95448cbac484d51f0284d4bcb4dcc5348cac94fce5628492d2eb1\
            526060646266616563e7e0e4e2e6e1e5e3171014121611151397909492969195935750545256515553d7d0d4d2d6d1\
            d5d33730343236313533b7b0b4b2b6b1b5b37770747276717573f7f0f4f2f6f1f5f30f080c0a0e090d0b8f888c8a8e\
            898d8b4f484c4a4e494d4bcfc8cccacec9cdcb2f282c023aa9acbca2b2aabaa6b6aebea1b1a9b9a5b5adbda3b3abbb\
            a7b7af7fc2c44993a74c9d367dc6cc59b3e7cc9d377fc1c2458b972c5db67cc5ca55abd7ac5db77ec3c64d9bb76cdd\
            b67dc7ce5dbbf7ecddb7ffc0c143878f1c3d76fcc4c953a7cf9c3d77fec2c54b97af5cbd76fdc6cd5bb7efdcbd77ff\
            c1c3478f9f3c7df6fcc5cb57afdfbc7df7fec3c74f9fbf7cfdf6fdc7cf5fbffffcfdf71fe8bc5144075485170000d7\
            654cbda9020000";
        let bytes: Vec<u8> =
            (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        assert_eq!(bytes[10] & 0b111, 0b011, "one final fixed-Huffman block");
        let mut data = b"radstudy fixed Huffman block test: ".to_vec();
        data.extend(0..=255u8);
        data.extend(b"abcabcabcabcabcabc".repeat(20));
        data.extend([b'z'; 30]);
        assert_eq!(decode(&bytes).unwrap(), data);
    }

    #[test]
    fn codes_longer_than_the_main_table_go_through_subtables() {
        // Code lengths 1, 2, ..., 14, 15, 15: a complete code whose long codes need subtables
        // in both tables; decode every symbol from its canonical code.
        let lens: Vec<u8> = (1..=15).chain([15]).collect();
        for bits in [LITLEN_BITS, DIST_BITS] {
            let mut table = Vec::new();
            build_table(&lens, bits, false, codelen_entry, &mut table).unwrap();
            let mut code = 0u32;
            for (sym, &l) in lens.iter().enumerate() {
                let l = u32::from(l);
                if sym > 0 {
                    code = (code + 1) << (l - u32::from(lens[sym - 1]));
                }
                let stream = u64::from(code.reverse_bits() >> (32 - l));
                let mut e = table[(stream & ((1 << bits) - 1)) as usize];
                let mut used = 0;
                if e & KIND_MASK == SUBTABLE {
                    used = e & 0xff;
                    e = table[(e >> 16) as usize + ((stream >> used) & ((1 << ((e >> 8) & 0xf)) - 1)) as usize];
                }
                assert_eq!((e >> 16, used + (e & 0xff)), (sym as u32, l), "table bits {bits}");
            }
        }
    }

    #[test]
    fn invalid_codes_are_rejected() {
        let mut t = Vec::new();
        assert!(matches!(build_table(&[1, 1, 1], 7, false, codelen_entry, &mut t), Err(InflateError::Corrupt(_))));
        assert!(matches!(build_table(&[2, 2, 2], 7, false, codelen_entry, &mut t), Err(InflateError::Corrupt(_))));
        // One code of length 1 is allowed where zlib allows it (literal/length and distance).
        assert!(build_table(&[0, 1], 8, true, dist_entry, &mut t).is_ok());
        assert!(build_table(&[0, 1], 7, false, codelen_entry, &mut t).is_err());
    }

    #[test]
    fn members_trailers_and_trailing_bytes() {
        let (a, b) = (sample(70_000, 256, true, 7), sample(5_000, 16, true, 8));
        let mut two = gz(&a, 6);
        two.extend(gz(&b, 1));
        assert_eq!(decode(&two).unwrap(), [a.clone(), b].concat());
        let mut tail = gz(&a, 6);
        tail.extend(b"not gzip");
        assert_eq!(decode(&tail).unwrap(), a);
        let good = gz(&a, 6);
        let n = good.len();
        let mut bad_crc = good.clone();
        bad_crc[n - 8] ^= 1;
        assert_eq!(decode(&bad_crc), Err(InflateError::Checksum("CRC-32")));
        let mut bad_size = good.clone();
        bad_size[n - 1] ^= 1;
        assert_eq!(decode(&bad_size), Err(InflateError::Checksum("size")));
        // Header with every optional field.
        let mut e = flate2::GzBuilder::new()
            .filename("x.raw")
            .comment("c")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), flate2::Compression::default());
        e.write_all(&a).unwrap();
        assert_eq!(decode(&e.finish().unwrap()).unwrap(), a);
    }

    #[test]
    fn every_truncation_is_an_error() {
        for level in [0, 1, 9] {
            let good = gz(&sample(3_000, 64, true, 3), level);
            for cut in 0..good.len() {
                assert!(decode(&good[..cut]).is_err(), "level {level} cut at {cut}");
            }
        }
    }

    #[test]
    fn corrupt_streams_give_errors_not_panics() {
        let data = sample(20_000, 256, true, 5);
        let good = gz(&data, 6);
        let mut x = 12345u64;
        for _ in 0..3000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut bad = good.clone();
            let at = 10 + (x >> 33) as usize % (bad.len() - 18);
            bad[at] ^= 1 << ((x >> 20) % 8);
            if let Ok(out) = decode(&bad) {
                // A flip that changes nothing decoded (e.g. in unused padding bits) is fine.
                assert_eq!(out, data);
            }
        }
    }
}
