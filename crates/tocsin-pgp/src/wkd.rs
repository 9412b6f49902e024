//! The Web Key Directory (draft-koch-openpgp-webkey-service): where a key for an address
//! is published, `/.well-known/openpgpkey/hu/<hash>?l=<local part>` (the direct method).

/// The alphabet of z-base-32 (Zooko's human-oriented base-32).
const ZBASE32: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

/// `data` in z-base-32, 5 bits a character, most significant first, the last character
/// padded with zero bits.
pub fn zbase32(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in data {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ZBASE32[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ZBASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The local part of `address` as WKD hashes it: before the last `@`, ASCII lower-cased
/// (the draft maps only A-Z; other characters are kept).
pub fn wkd_local_part(address: &str) -> Option<&str> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then_some(local)
}

/// The WKD hash of an address's local part: z-base-32 of the SHA-1 of its lower-cased
/// form (32 characters).
pub fn wkd_hash(local_part: &str) -> String {
    zbase32(&super::sha1(local_part.to_ascii_lowercase().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drafts_example() {
        // draft-koch-openpgp-webkey-service §3.1: Joe.Doe@Example.ORG.
        assert_eq!(wkd_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
        assert_eq!(wkd_local_part("Joe.Doe@Example.ORG"), Some("Joe.Doe"));
        assert_eq!(wkd_local_part("nobody"), None);
    }

    #[test]
    fn zbase32_pads_the_last_character() {
        assert_eq!(zbase32(&[]), "");
        assert_eq!(zbase32(&[0]), "yy");
        assert_eq!(zbase32(&[0xff]), "9h");
    }
}
