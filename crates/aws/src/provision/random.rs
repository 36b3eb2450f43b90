//! Values made at provision time (secret values, passwords), so no secret
//! value is ever written in the repository.

use super::ProvisionError;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters from the OS's random source, letters and digits only
/// (RDS refuses `/`, `@`, `"` and spaces in a master password).
pub(super) fn secret_value(resource: &str, len: usize) -> Result<String, ProvisionError> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    // 62 * 4 = 248: bytes at or above it are dropped so every character is
    // equally likely.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    while out.len() < len {
        getrandom::getrandom(&mut buf).map_err(|e| ProvisionError::Random {
            resource: resource.to_string(),
            message: e.to_string(),
        })?;
        for b in buf.iter().filter(|b| **b < limit) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_have_the_length_and_alphabet_asked_and_differ() {
        let a = secret_value("secret.db", 32).unwrap();
        let b = secret_value("secret.db", 32).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
    }
}
