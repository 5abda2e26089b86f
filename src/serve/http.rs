//! The little of HTTP/1.1 that `serve` speaks, without I/O: finding the end of a request's head
//! in the bytes read so far, reading the head (request line and header fields, RFC 9112) and
//! writing a response's head. Only GET and HEAD are served and every connection carries one
//! request (`Connection: close`), so there are no bodies to read, no chunks and no pipelining.

/// The most bytes a request's head may take (request line and all header fields), as most
/// servers allow (nginx's and Apache's line limit): far more than a browser sends.
pub const MAX_HEAD: usize = 8 * 1024;

/// The most header fields a request may carry.
pub const MAX_FIELDS: usize = 100;

/// A request's head, as far as `serve` reads it.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: a path and maybe a query (origin form).
    pub target: String,
    /// The `Host` field's value, trimmed.
    pub host: String,
}

/// Why a request's head cannot be served; each is answered with its status.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed (400), with what was wrong.
    BadRequest(&'static str),
    /// More than [`MAX_FIELDS`] header fields (431).
    TooManyFields,
    /// A version other than HTTP/1.0 or HTTP/1.1 (505).
    Version,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::TooManyFields => 431,
            Refusal::Version => 505,
        }
    }

    pub fn words(&self) -> &'static str {
        match self {
            Refusal::BadRequest(why) => why,
            Refusal::TooManyFields => "too many header fields",
            Refusal::Version => "only HTTP/1.0 and HTTP/1.1",
        }
    }
}

/// Where the head ends (the index just past its empty line), if the bytes hold all of it.
/// A bare `\n` ends a line too, as RFC 9112 allows a server to accept.
pub fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'\n') {
        let next = at + offset + 1;
        match &bytes[next..] {
            [b'\n', ..] => return Some(next + 1),
            [b'\r', b'\n', ..] => return Some(next + 2),
            _ => at = next,
        }
    }
    None
}

/// Reads a complete head (as [`head_end`] delimits it).
pub fn parse(head: &[u8]) -> Result<Request, Refusal> {
    let text = std::str::from_utf8(head).map_err(|_| Refusal::BadRequest("not UTF-8"))?;
    let mut lines = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::BadRequest(
            "a request line is METHOD TARGET VERSION",
        ));
    };
    if !is_token(method) {
        return Err(Refusal::BadRequest("the method is not a token"));
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") => return Err(Refusal::Version),
        _ => return Err(Refusal::BadRequest("no HTTP version")),
    }
    // Origin form only: an absolute URI would carry a host of its own beside `Host`.
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Refusal::BadRequest("the target must be a path"));
    }
    let mut host = None;
    let mut fields = 0;
    for line in lines.take_while(|line| !line.is_empty()) {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(Refusal::TooManyFields);
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Refusal::BadRequest("a header field without a colon"));
        };
        // No space before the colon, no folded line (RFC 9112, 5.1 and 5.2).
        if !is_token(name) {
            return Err(Refusal::BadRequest("a malformed header field name"));
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(Refusal::BadRequest("more than one Host"));
            }
            host = Some(value.trim_matches([' ', '\t']).to_owned());
        }
    }
    // Required by HTTP/1.1; asked of 1.0 too, since the answer depends on it.
    let host = host.ok_or(Refusal::BadRequest("no Host header field"))?;
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        host,
    })
}

/// RFC 9110's token: the characters of a method or a field name.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A response's status line and header fields, through the empty line. Every response says
/// `nosniff` (a browser must not guess a script or a page from a Markdown file's bytes), is
/// never cached (the brief changes under the same name), and ends its connection.
pub fn response_head(status: u16, fields: &[(&'static str, &'static str)], length: u64) -> Vec<u8> {
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nDate: {date}\r\nContent-Length: {length}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        reason(status)
    );
    for (name, value) in fields {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_ends_at_its_empty_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: a\n\n"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
        assert_eq!(head_end(b""), None);
    }

    #[test]
    fn a_request_is_method_path_and_host() {
        assert_eq!(
            parse(b"GET /brief.html?x=1 HTTP/1.1\r\nHost:  127.0.0.1:8000 \r\nAccept: */*\r\n\r\n"),
            Ok(Request {
                method: "GET".into(),
                target: "/brief.html?x=1".into(),
                host: "127.0.0.1:8000".into(),
            })
        );
        assert_eq!(
            parse(b"HEAD / HTTP/1.0\nhost: localhost:8000\n\n").map(|r| r.method),
            Ok("HEAD".into())
        );
    }

    #[test]
    fn malformed_heads_are_refused_with_their_status() {
        for (head, status) in [
            (&b"GET / HTTP/1.1\r\n\r\n"[..], 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            (b"GET http://evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
            (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
            (b"GET / FTP\r\nHost: a\r\n\r\n", 400),
            (b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            (b"GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ] {
            let refused = parse(head).expect_err(&String::from_utf8_lossy(head));
            assert_eq!(
                refused.status(),
                status,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
        let many = format!(
            "GET / HTTP/1.1\r\nHost: a\r\n{}\r\n",
            "X: y\r\n".repeat(100)
        );
        assert_eq!(parse(many.as_bytes()), Err(Refusal::TooManyFields));
    }

    #[test]
    fn every_response_says_nosniff_its_length_and_close() {
        let head =
            String::from_utf8(response_head(405, &[("Allow", "GET, HEAD")], 3)).expect("ASCII");
        assert!(
            head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{head}"
        );
        for field in [
            "\r\nX-Content-Type-Options: nosniff\r\n",
            "\r\nContent-Length: 3\r\n",
            "\r\nConnection: close\r\n",
            "\r\nAllow: GET, HEAD\r\n",
        ] {
            assert!(head.contains(field), "{head}");
        }
        assert!(head.ends_with("\r\n\r\n"));
    }
}
