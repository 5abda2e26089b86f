//! The server: a listening socket, one thread per connection up to a fixed number of them, and
//! a deadline on every read and write, so no client (one that never sends, sends a byte at a
//! time, or never reads its answer) holds more than one connection's thread for a bounded
//! time, and none keeps the others waiting.
//!
//! Hand-written over `std::net` rather than a crate: `tiny_http` answered every request from one
//! loop with no write timeout (a client that did not read blocked all the others), and a
//! server crate with timeouts and limits (hyper with tokio, axum) costs more build time than
//! this whole file, for one request per connection of two methods.

use super::host;
use super::http::{self, MAX_HEAD};
use super::site::{Body, Reply, Site};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What the server allows a client.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections handled at once; one more is answered 503 and closed.
    pub connections: usize,
    /// From the connection's start, to send the whole request head.
    pub request: Duration,
    /// From the answer's start, to take all of it.
    pub response: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 32,
            request: Duration::from_secs(10),
            response: Duration::from_secs(30),
        }
    }
}

pub struct Server {
    listener: TcpListener,
    address: SocketAddr,
    site: Arc<Site>,
    limits: Limits,
}

impl Server {
    pub fn bind(address: &str, site: Site, limits: Limits) -> io::Result<Self> {
        let listener = TcpListener::bind(address)?;
        let address = listener.local_addr()?;
        Ok(Server {
            listener,
            address,
            site: Arc::new(site),
            limits,
        })
    }

    /// The address bound (with the port the system chose for port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until the listening socket fails for good; returns that error. Errors that come
    /// and go (a connection reset before it was accepted, no file descriptor or memory left for
    /// a moment) are waited out, longer each time they repeat, as Go's net/http does.
    pub fn run(self) -> io::Error {
        let active = Arc::new(AtomicUsize::new(0));
        let mut backoff = Duration::ZERO;
        loop {
            let stream = match self.listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if passing(&e) => {
                    backoff = (backoff * 2).clamp(Duration::from_millis(5), Duration::from_secs(1));
                    std::thread::sleep(backoff);
                    continue;
                }
                Err(e) => return e,
            };
            backoff = Duration::ZERO;
            let Some(slot) = Slot::take(&active, self.limits.connections) else {
                refuse_busy(stream);
                continue;
            };
            let site = Arc::clone(&self.site);
            let (address, limits) = (self.address, self.limits);
            // A thread that cannot start drops the connection and its slot with the closure.
            let _ = std::thread::Builder::new()
                .name("serve-connection".into())
                .spawn(move || {
                    let _slot = slot;
                    answer(stream, &site, address, limits);
                });
        }
    }
}

/// One of the connections allowed at once, given back when dropped (also if its thread panics).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(active: &Arc<AtomicUsize>, most: usize) -> Option<Slot> {
        active
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < most).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(active)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Whether an `accept` error passes: the next `accept` may well succeed.
fn passing(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | TimedOut | OutOfMemory
    ) {
        return true;
    }
    #[cfg(unix)]
    if let Some(code) = e.raw_os_error() {
        return [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::ENOMEM,
            libc::EPROTO,
            libc::EPERM,
            libc::ENETDOWN,
            libc::ENETUNREACH,
            libc::EHOSTUNREACH,
            libc::EHOSTDOWN,
            libc::ENONET,
            libc::ENOPROTOOPT,
            libc::EOPNOTSUPP,
        ]
        .contains(&code);
    }
    false
}

/// The answer to a connection over the limit, written without waiting: the socket is new, so
/// its send buffer has room, and if not the client is not worth a wait.
fn refuse_busy(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let body = b"too many connections; try again\n";
    let mut bytes = http::response_head(
        503,
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Retry-After", "1"),
        ],
        body.len() as u64,
    );
    bytes.extend_from_slice(body);
    let _ = (&stream).write_all(&bytes);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads one request from the connection and answers it.
fn answer(mut stream: TcpStream, site: &Site, address: SocketAddr, limits: Limits) {
    let started = Instant::now();
    let (answer, head_only) = match read_head(&mut stream, started + limits.request) {
        Ok(head) => match http::parse(&head) {
            Ok(request) => (respond(&request, site, address), request.method == "HEAD"),
            Err(refusal) => (Answer::text(refusal.status(), refusal.words()), false),
        },
        Err(Unread::TooLarge) => (Answer::text(431, "request head too large"), false),
        Err(Unread::TimedOut) => (Answer::text(408, "request too slow"), false),
        Err(Unread::Gone) => return,
    };
    let head = http::response_head(answer.status, &answer.fields, answer.body.len());
    let body = (!head_only).then_some(answer.body);
    // A client that does not take its answer in time is its own loss; the connection ends.
    let _ = send(&mut stream, &head, body, Instant::now() + limits.response);
    finish(stream);
}

/// A response: its status, the header fields beyond those every response has, and its body.
struct Answer {
    status: u16,
    fields: Vec<(&'static str, &'static str)>,
    body: Body,
}

impl Answer {
    /// A short plain-text answer, an error's.
    fn text(status: u16, words: &str) -> Self {
        Answer {
            status,
            fields: vec![("Content-Type", "text/plain; charset=utf-8")],
            body: Body::Bytes(format!("{words}\n").into_bytes()),
        }
    }
}

/// The answer to a well-formed request: refused unless it names this server and is a GET or
/// HEAD, else what the site has at its path.
fn respond(request: &http::Request, site: &Site, address: SocketAddr) -> Answer {
    if !host::allowed(&request.host, address) {
        return Answer::text(
            421,
            &format!("this server answers only for the address it is bound to, {address}"),
        );
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let mut answer = Answer::text(405, "only GET and HEAD");
        answer.fields.push(("Allow", "GET, HEAD"));
        return answer;
    }
    match site.reply(&request.target) {
        Reply::Found { content_type, body } => Answer {
            status: 200,
            fields: vec![("Content-Type", content_type)],
            body,
        },
        Reply::NotFound => Answer::text(404, "not found"),
    }
}

/// Why no request head was read.
enum Unread {
    /// Longer than [`MAX_HEAD`].
    TooLarge,
    /// Not all there by the deadline.
    TimedOut,
    /// The client closed the connection, or it failed.
    Gone,
}

/// Reads until the end of the request's head, at most [`MAX_HEAD`] bytes, each read waiting
/// only for what is left until `deadline`: a client sending a byte at a time gets no longer.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, Unread> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = http::head_end(&head) {
            head.truncate(end);
            return Ok(head);
        }
        if head.len() >= MAX_HEAD {
            return Err(Unread::TooLarge);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Unread::TimedOut);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| Unread::Gone)?;
        let room = chunk.len().min(MAX_HEAD - head.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(Unread::Gone),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Unread::TimedOut);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(Unread::Gone),
        }
    }
}

/// Ends a connection after its answer. Closing a socket with bytes unread (the rest of a head
/// too large, a body, a second request) makes the system reset the connection, and a reset can
/// destroy the answer before the client reads it: so the answer's end is signalled first, and
/// what the client still sends is read and dropped for a moment, at most [`LINGER_BYTES`] bytes
/// for at most [`LINGER`], as web servers do ("lingering close").
fn finish(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut chunk = [0u8; 4096];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// How long, and how many bytes, a connection's end waits for the client's last bytes.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 64 * 1024;

/// Writes the head and body, all by `deadline`: each write waits only for what is left, so a
/// client that stops reading is dropped then, whatever the size of the answer.
fn send(
    stream: &mut TcpStream,
    head: &[u8],
    body: Option<Body>,
    deadline: Instant,
) -> io::Result<()> {
    let mut out = Deadlined { stream, deadline };
    out.write_all(head)?;
    match body {
        None => Ok(()),
        Some(Body::Bytes(bytes)) => out.write_all(&bytes),
        // As many bytes as the head announced, even if the file has grown since.
        Some(Body::File(file, len)) => {
            let copied = io::copy(&mut file.take(len), &mut out)?;
            if copied < len {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file shrank",
                ));
            }
            Ok(())
        }
    }
}

/// A stream whose every write must end by a deadline.
struct Deadlined<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
}

impl Write for Deadlined<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_given_back() {
        let active = Arc::new(AtomicUsize::new(0));
        let first = Slot::take(&active, 2).expect("first");
        let second = Slot::take(&active, 2).expect("second");
        assert!(Slot::take(&active, 2).is_none());
        drop(first);
        let third = Slot::take(&active, 2).expect("given back");
        drop((second, third));
        assert_eq!(active.load(Ordering::Acquire), 0);
    }

    #[test]
    fn accept_errors_that_pass_are_waited_out_and_the_rest_end_the_server() {
        assert!(passing(&io::ErrorKind::ConnectionAborted.into()));
        #[cfg(unix)]
        {
            assert!(passing(&io::Error::from_raw_os_error(libc::EMFILE)));
            assert!(!passing(&io::Error::from_raw_os_error(libc::EBADF)));
            assert!(!passing(&io::Error::from_raw_os_error(libc::EINVAL)));
        }
    }
}
