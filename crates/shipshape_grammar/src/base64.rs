//! Base64 as the API server reads a Secret's `data` (Go's standard encoding, padded,
//! line breaks ignored): one reader for the validator, which asks whether a value is
//! base64, and the checker, which needs the text a key holds.

/// The bytes `text` encodes, or `None` when the API server would refuse it: a length
/// that is not a multiple of four once line breaks are dropped, more than two `=`, or a
/// character outside `A-Z a-z 0-9 + /` before them.
#[must_use]
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    let body_len = text.iter().rposition(|b| *b != b'=').map_or(0, |i| i + 1);
    if !text.len().is_multiple_of(4) || text.len() - body_len > 2 {
        return None;
    }
    let mut bits: u32 = 0;
    let mut held = 0;
    let mut out = Vec::with_capacity(body_len / 4 * 3 + 2);
    for &byte in &text[..body_len] {
        bits = (bits << 6) | u32::from(sextet(byte)?);
        held += 6;
        if held >= 8 {
            held -= 8;
            // Only the low byte is wanted: the bits above it were written out already.
            out.push((bits >> held) as u8);
        }
    }
    Some(out)
}

fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_what_the_api_server_accepts() {
        assert_eq!(decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("Y2hhbmdlbWU=").as_deref(), Some(&b"changeme"[..]));
        assert_eq!(decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(decode("YWJj").as_deref(), Some(&b"abc"[..]));
        assert_eq!(decode("").as_deref(), Some(&b""[..]));
        assert_eq!(decode("+/+/").as_deref(), Some(&[0xfb, 0xff, 0xbf][..]));
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        for text in [
            "hello",
            "aGVsbG8",
            "a===",
            "aGVs bG8=",
            "aG=sbG8=",
            "aGVsbG8_",
        ] {
            assert_eq!(decode(text), None, "{text}");
        }
    }
}
