//! Which `Host` a request may name. A page on another site can point a name it controls at
//! 127.0.0.1 (DNS rebinding) and then read what `serve` answers as if it were its own; the
//! browser still sends that name as `Host`. So only the address `serve` is bound to is served,
//! with `localhost` when that address is the loopback: an address cannot be rebound, a name can.
//! Bound to every address (`0.0.0.0`, `[::]`), any IP address is accepted, since the clients
//! reach the server through one of the machine's own, but never a name other than `localhost`.

use std::net::{IpAddr, SocketAddr};

/// Whether a request naming `host` (the `Host` field's value) is for the server bound to `bound`.
pub fn allowed(host: &str, bound: SocketAddr) -> bool {
    let Some((name, port)) = split(host) else {
        return false;
    };
    if port != bound.port() {
        return false;
    }
    let ip = bound.ip();
    match name.parse::<IpAddr>() {
        Ok(named) => named == ip || ip.is_unspecified(),
        Err(_) => {
            name.eq_ignore_ascii_case("localhost") && (ip.is_loopback() || ip.is_unspecified())
        }
    }
}

/// The name (an IPv6 address without its brackets) and port of a `Host` value; the port is 80
/// when none is given, as for any `http` address.
fn split(host: &str) -> Option<(&str, u16)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        match after {
            "" => (name, None),
            after => (name, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port = match port {
        None => 80,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    (!name.is_empty()).then_some((name, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(address: &str) -> SocketAddr {
        address.parse().expect("address")
    }

    #[test]
    fn loopback_answers_to_its_address_and_localhost_on_its_port() {
        let at = bound("127.0.0.1:8000");
        for host in ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000"] {
            assert!(allowed(host, at), "{host}");
        }
        for host in [
            "evil.example:8000",
            "127.0.0.1.nip.io:8000",
            "127.0.0.1:8001",
            "127.0.0.1",
            "localhost",
            "127.0.0.2:8000",
            "[::1]:8000",
            "127.0.0.1:8000:8000",
            "127.0.0.1:+8000",
            "127.0.0.1:",
            ":8000",
            "",
            "localhost.:8000",
        ] {
            assert!(!allowed(host, at), "{host}");
        }
        assert!(allowed("127.0.0.1", bound("127.0.0.1:80")));
        assert!(allowed("[::1]:8000", bound("[::1]:8000")));
        assert!(allowed("localhost:8000", bound("[::1]:8000")));
        assert!(!allowed("[::1]8000", bound("[::1]:8000")));
    }

    #[test]
    fn an_address_on_the_network_answers_to_itself_only() {
        let at = bound("192.168.1.20:8000");
        assert!(allowed("192.168.1.20:8000", at));
        assert!(!allowed("localhost:8000", at));
        assert!(!allowed("briefs.example:8000", at));
        let every = bound("0.0.0.0:8000");
        assert!(allowed("192.168.1.20:8000", every));
        assert!(allowed("localhost:8000", every));
        assert!(!allowed("briefs.example:8000", every));
        assert!(!allowed("192.168.1.20:9000", every));
    }
}
