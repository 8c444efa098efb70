//! HTTP/1.1 serving: an accept loop per listener, one task per TCP connection.
//!
//! Hand-rolled rather than `axum::serve` so a handler can end its own TCP connection without
//! answering (the connection faults) and see the peer address, and so shutdown stops every task.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tower_service::Service;

use crate::sync::{TaskTracker, lock};

/// How a handler ends its connection without answering the request in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abort {
    /// Close it (FIN): the client sees the connection closed before any answer.
    Close,
    /// Reset it (RST): the client sees "connection reset by peer".
    Reset,
    /// Keep it open and silent until the client closes it (a stalled service).
    Stall,
}

#[derive(Default)]
struct AbortSignal {
    how: Mutex<Option<Abort>>,
    notify: Notify,
}

/// Per-connection facts a handler can reach through the request extensions.
#[derive(Clone)]
pub(crate) struct ConnectionContext {
    pub(crate) peer: SocketAddr,
    abort: Arc<AbortSignal>,
}

impl ConnectionContext {
    /// Ends the TCP connection without answering the request in flight; the connection task then
    /// drops the handler.
    pub(crate) fn abort(&self, how: Abort) {
        *lock(&self.abort.how) = Some(how);
        self.abort.notify.notify_one();
    }
}

/// The connection's socket as hyper reads and writes it. When the connection is dropped after an
/// abort, it resets the socket or hands it back for stalling, as the abort asked.
struct ConnectionIo {
    /// Always `Some` until dropped.
    stream: Option<TcpStream>,
    abort: Arc<AbortSignal>,
    stalled: Option<oneshot::Sender<TcpStream>>,
}

impl ConnectionIo {
    fn stream(self: Pin<&mut Self>) -> io::Result<Pin<&mut TcpStream>> {
        match self.get_mut().stream.as_mut() {
            Some(stream) => Ok(Pin::new(stream)),
            None => Err(io::ErrorKind::NotConnected.into()),
        }
    }
}

impl AsyncRead for ConnectionIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.stream() {
            Ok(stream) => stream.poll_read(cx, buf),
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

impl AsyncWrite for ConnectionIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.stream() {
            Ok(stream) => stream.poll_write(cx, buf),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.stream() {
            Ok(stream) => stream.poll_write_vectored(cx, bufs),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream
            .as_ref()
            .is_some_and(AsyncWrite::is_write_vectored)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.stream() {
            Ok(stream) => stream.poll_flush(cx),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.stream() {
            Ok(stream) => stream.poll_shutdown(cx),
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

impl Drop for ConnectionIo {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else {
            return;
        };
        match *lock(&self.abort.how) {
            Some(Abort::Reset) => {
                // A zero linger makes the close below an RST instead of a FIN.
                if let Err(error) = stream.set_zero_linger() {
                    tracing::warn!(%error, "cannot reset the connection; closing it");
                }
            }
            Some(Abort::Stall) => {
                if let Some(stalled) = self.stalled.take() {
                    // The connection task waits on the receiver; if it is gone, closing is all that is left.
                    let _ = stalled.send(stream);
                }
            }
            Some(Abort::Close) | None => {}
        }
    }
}

/// Holds a stalled connection open, reading and discarding, until the client closes it.
async fn stall(mut stream: TcpStream) {
    let mut discard = [0_u8; 1024];
    while let Ok(read) = stream.read(&mut discard).await {
        if read == 0 {
            break;
        }
    }
}

/// Serves `router` on `listener` until the emulator's tasks are stopped.
pub(crate) fn serve(
    tasks: &Arc<TaskTracker>,
    listener: TcpListener,
    router: Router,
    plane: &'static str,
) {
    let connection_tasks = Arc::clone(tasks);
    tasks.spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Usually fd exhaustion: back off instead of spinning.
                    tracing::warn!(%error, plane, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            connection_tasks.spawn(serve_connection(stream, peer, router.clone()));
        }
    });
}

async fn serve_connection(stream: TcpStream, peer: SocketAddr, router: Router) {
    let abort = Arc::new(AbortSignal::default());
    let context = ConnectionContext {
        peer,
        abort: Arc::clone(&abort),
    };
    let (stalled_sender, stalled) = oneshot::channel();
    let io = ConnectionIo {
        stream: Some(stream),
        abort: Arc::clone(&abort),
        stalled: Some(stalled_sender),
    };
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(context.clone());
        let mut router = router.clone();
        async move { router.call(request).await }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(Duration::from_secs(30));
    let mut connection = Box::pin(
        builder
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades(),
    );
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        }
        () = abort.notify.notified() => {
            let how = *lock(&abort.how);
            tracing::info!(%peer, ?how, "connection ended without an answer by an injected fault");
        }
    }
    // Dropping the connection drops its socket, which resets it or hands it over for stalling.
    drop(connection);
    if let Ok(stream) = stalled.await {
        stall(stream).await;
    }
}
