//! Accepting HTTP connections with every cost a client can impose bounded: how many sockets
//! are held, how long a client may take to send a request's headers, and how long a
//! connection may sit idle. (`axum::serve` offers none of these: it held 3,000 idle sockets
//! and slow headers for minutes, until `/healthz` itself could not get a file descriptor.)
//!
//! The request itself is bounded by the router's time limit (`request_timeout_secs`).
//!
//! What it is not: a place for routes or application logic; it hands each request to the
//! router unchanged, with the peer's address attached as [`ConnectInfo`].

use std::future::Future;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use crate::metrics::Metrics;

/// File descriptors kept free for everything but client sockets: database files and
/// connections, the key files, mail, the blocking threads' work.
const RESERVED_DESCRIPTORS: u64 = 256;

/// The limits on client connections, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Sockets held at once; further clients wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Longest a client may take to send a request's headers, counted from when the server
    /// starts waiting for them (on a new connection, or after the previous response).
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and no byte moving either way for this long
    /// is closed.
    pub idle_timeout: Duration,
    /// How long a shutdown waits for requests in flight before closing their connections.
    pub drain_timeout: Duration,
}

/// Raises the soft limit on open files to the hard limit (a service should not run out of
/// sockets because of a login shell's default of 1,024) and returns the number of client
/// connections that fit beside [`RESERVED_DESCRIPTORS`]: at most `wanted`.
pub fn connections_that_fit(wanted: usize) -> usize {
    let available = raise_open_file_limit().saturating_sub(RESERVED_DESCRIPTORS);
    let fit = usize::try_from(available).unwrap_or(usize::MAX).max(16);
    if fit < wanted {
        tracing::warn!(
            wanted,
            allowed = fit,
            "max_connections is more than the open-file limit allows; raise the limit (LimitNOFILE= in systemd)"
        );
    }
    wanted.min(fit)
}

#[cfg(unix)]
fn raise_open_file_limit() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    limit.rlim_cur
}

#[cfg(not(unix))]
fn raise_open_file_limit() -> u64 {
    1024
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets the
/// requests in flight finish (at most `drain_timeout`) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        // Take a slot before accepting: at the limit, new clients wait in the accept queue
        // instead of being accepted and starved.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning; connections that
                    // close will free descriptors.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let metrics = metrics.clone();
        let stop = stop_rx.clone();
        tokio::spawn(async move {
            metrics.connections_open.inc();
            serve_connection(stream, peer, router, limits, stop).await;
            metrics.connections_open.dec();
            drop(slot);
        });
    }
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it ends: getting all of them back means all ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.drain_timeout, slots.acquire_many(all)).await.is_err() {
        tracing::warn!("connections still open after the drain timeout; closing them");
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
    let service = {
        let activity = activity.clone();
        TowerToHyperService::new(tower::service_fn(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let in_flight = InFlight::start(&activity);
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await;
                drop(in_flight);
                response
            }
        }))
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let mut connection = pin!(builder.serve_connection(io, service));
    let mut ticks = tokio::time::interval(limits.idle_timeout.min(Duration::from_secs(1)));
    let mut draining = false;
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = ticks.tick() => {
                if activity.idle_for() >= limits.idle_timeout {
                    // Nothing in flight, nothing moving: drop the socket.
                    return;
                }
            }
            changed = stop.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    // Finish the request in flight, if any, then close.
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// When a connection last moved a byte, and whether a request is in flight on it.
struct Activity {
    born: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity { born: Instant::now(), last_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Zero while a request is being handled: the request's own time limit bounds that.
    fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.born.elapsed().saturating_sub(last)
    }
}

/// A request being handled; dropping it (the response is ready, or the client went away)
/// ends it.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: &Arc<Activity>) -> InFlight {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A socket that records when bytes last moved, so a response trickling out to a slow
/// reader counts as activity and a stalled one does not.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
