//! A content fingerprint for what must change exactly when its bytes do: the PDF's document id,
//! its subset fonts' tags, and the output folder's version that `serve` polls.

/// A 128-bit FNV-1a digest: enough to tell contents apart, and stable across builds and
/// machines (unlike the standard library's hashers).
pub fn fingerprint(bytes: &[u8]) -> u128 {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        hash ^= u128::from(*b);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    hash
}
