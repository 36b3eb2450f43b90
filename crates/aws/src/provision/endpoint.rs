//! Building a world writes: only an emulator on this machine may take it.

use std::net::IpAddr;

use super::ProvisionError;

/// Refuses unless `endpoint_url` is an emulator on loopback (127.0.0.0/8,
/// `::1`, `localhost`), or `force` is set. No endpoint means the real AWS.
pub fn ensure_emulator(endpoint_url: Option<&str>, force: bool) -> Result<(), ProvisionError> {
    // `localhost:5000` (no scheme) is a typo, not a real account: refused
    // even with --force, with the shape it should have.
    if let Some(url) = endpoint_url.filter(|u| host(u).is_none()) {
        return Err(ProvisionError::BadEndpoint {
            url: url.to_string(),
        });
    }
    if force {
        return Ok(());
    }
    match endpoint_url {
        Some(url) if is_emulator(url) => Ok(()),
        Some(url) => Err(ProvisionError::NotAnEmulator {
            endpoint: url.to_string(),
        }),
        None => Err(ProvisionError::NotAnEmulator {
            endpoint: "sin --endpoint-url (la cuenta real de AWS)".to_string(),
        }),
    }
}

/// Whether `url` points at this machine: an `http`/`https` URL whose host is
/// a loopback address or `localhost`.
pub fn is_emulator(url: &str) -> bool {
    host(url).is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        if h == "localhost" || h.ends_with(".localhost") {
            return true;
        }
        match h.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => ip.is_loopback(),
            Ok(IpAddr::V6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
    })
}

/// The host of an `http(s)://` URL, without brackets, port or user info.
fn host(url: &str) -> Option<&str> {
    let (scheme, rest) = url.trim().split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = hostport.strip_prefix('[') {
        return v6.split_once(']').map(|(h, _)| h);
    }
    let h = hostport.split(':').next()?;
    (!h.is_empty()).then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_emulators_are_accepted() {
        for url in [
            "http://127.0.0.1:5000",
            "http://localhost:4566",
            "http://LOCALHOST:4566/",
            "http://127.1.2.3:9",
            "http://[::1]:5000",
            "https://localhost",
            "http://user:pw@127.0.0.1:5000/x",
            "http://s3.localhost:4566",
        ] {
            assert!(ensure_emulator(Some(url), false).is_ok(), "{url}");
        }
    }

    #[test]
    fn anything_else_is_refused_unless_forced() {
        for url in [
            "https://ec2.us-east-1.amazonaws.com",
            "http://10.0.0.5:5000",
            "http://localhost.example.com:4566",
            "http://127.0.0.1.nip.io:5000",
            "http://0.0.0.0:5000",
        ] {
            let e = ensure_emulator(Some(url), false).unwrap_err();
            assert!(
                matches!(&e, ProvisionError::NotAnEmulator { endpoint } if endpoint == url),
                "{url}: {e}"
            );
            assert!(ensure_emulator(Some(url), true).is_ok());
        }
        assert!(ensure_emulator(None, false).is_err());
        assert!(ensure_emulator(None, true).is_ok());
    }

    #[test]
    fn what_is_not_an_http_url_is_refused_even_forced_with_its_shape() {
        for url in [
            "localhost:5000",
            "127.0.0.1:5000",
            "ftp://127.0.0.1",
            "http://evil.com@",
        ] {
            for force in [false, true] {
                let e = ensure_emulator(Some(url), force).unwrap_err();
                assert!(
                    matches!(&e, ProvisionError::BadEndpoint { url: u } if u == url)
                        && e.to_string().contains("se espera http://máquina:puerto"),
                    "{url}: {e}"
                );
            }
        }
    }
}
